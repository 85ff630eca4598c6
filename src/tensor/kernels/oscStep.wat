;; One oscillation step of one weight tensor in a single WebAssembly SIMD pass (src/train/oscLayer.ts):
;; the weight's integer codes, the oscillation tracker and the weight freezer, exactly as the op-by-op
;; path computes them (src/quant/fakeQuant.ts forwardCodes, src/train/oscillation.ts update,
;; src/train/freezing.ts update), in float32 and in the same order of operations.
;;
;;   x    = clamp(nearest(w / s + z), qmin, qmax) · keep + codes      (codes the forward pass uses)
;;   (flag 16) y = (x − z)·s: the weight's fake-quant output exactly as fakeQuant.wat computes it
;;            with the frozen set applied, for the next forward pass to reuse (Quantizer.presetOutput).
;;            x is the same q·keep + codes there: adding z = 0 (symmetric) only turns a −0 of w/s into
;;            +0, which q·keep + codes does anyway (codes is never −0), so x is never −0 and x − 0 = x
;;            is the symmetric q·s
;;   tracker (flag 1, primed):  dx = x − prev;  s = clamp(dx, −1, 1);  neg = clamp(s·last, −1, 0)
;;                              freq' = freq − (freq + neg)·m;  last' = clamp(2·dx + last, −1, 1)
;;   prev' = x
;;   freezer: e = ema (flag 2, primed) or x
;;            ema' = e + (x − e)·m (flag 8) or x
;;            (flag 4, freezing on) newly = [freq' > th]·keep: osc_step returns 1 if any lane has newly = 1, and
;;            only then does the caller run osc_freeze, the second pass:
;;                target = nearest(e) (flag 8) or x
;;                codes' = codes + newly·target;  pinned' = pinned + newly·w;  keep' = keep − newly
;;                (flag 16) y at the newly frozen lanes = (codes' − z)·s: the forward pass's code there is
;;                q·keep' + codes' = ±0 + codes' = codes' (codes' is never −0), the other lanes keep y
;;            (most steps freeze nothing, so most steps read and write three full-size tensors less)
;;   tracker totals (int32, flag 1): flips' = flips + Σ|s|;  reversals' = reversals − Σ neg
;;     (the float sums are exact: integers far below 2^24 per lane)
;;   sampled entries j < nSamples (flag 1): sampleFlips'[j] = sampleFlips[j] + |clamp(prev'[idx_j] − prev[idx_j], −1, 1)|
;;
;; clamp(x, lo, hi) is f32x4.pmin(f32x4.pmax(x, lo), hi): the same as min/max for the finite values
;; here and ~3× faster in V8 (min/max must order −0 below +0 and propagate NaN lane by lane).
;; All pointers are byte offsets into tfjs-wasm's heap; `nbytes` and `cbytes` are multiples of 16.
;; s and z hold the per-channel scale and zero point repeated along the last axis, `cbytes` long
;; (cbytes = 4: one per-tensor value for every lane).
;; Built into src/tensor/kernels/wasmModules.ts by `npm run kernels` (wabt); MEMORY is replaced by
;; an unshared or a shared memory import, to match the single-threaded or the threaded tfjs binary.
(module
  MEMORY
  (func (export "osc_step")
    (param $w i32) (param $scale i32) (param $zero i32) (param $cbytes i32)
    (param $keep i32) (param $codes i32) (param $ema i32)
    (param $prev i32) (param $last i32) (param $freq i32)
    (param $oPrev i32) (param $oLast i32) (param $oFreq i32) (param $oEma i32) (param $oY i32)
    (param $flipTotal i32) (param $revTotal i32) (param $oFlipTotal i32) (param $oRevTotal i32)
    (param $samples i32) (param $nSamples i32) (param $sampleFlips i32) (param $oSampleFlips i32)
    (param $nbytes i32)
    (param $qmin f32) (param $qmax f32) (param $m f32) (param $th f32) (param $flags i32)
    (result i32)
    (local $i i32) (local $c i32) (local $j i32) (local $idx i32) (local $d f32)
    (local $scalar i32) (local $vs v128) (local $vz v128) (local $sv v128) (local $zv v128)
    (local $vqmin v128) (local $vqmax v128) (local $vm v128) (local $vth v128)
    (local $one v128) (local $mone v128) (local $zero0 v128)
    (local $wv v128) (local $k v128) (local $x v128) (local $dx v128) (local $s v128) (local $neg v128)
    (local $f v128) (local $l v128) (local $e v128)
    (local $cd v128) (local $any v128)
    (local $flips v128) (local $negs v128)
    (local.set $vqmin (f32x4.splat (local.get $qmin)))
    (local.set $vqmax (f32x4.splat (local.get $qmax)))
    (local.set $vm (f32x4.splat (local.get $m)))
    (local.set $vth (f32x4.splat (local.get $th)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $mone (f32x4.splat (f32.const -1)))
    (local.set $zero0 (f32x4.splat (f32.const 0)))
    (local.set $flips (local.get $zero0))
    (local.set $negs (local.get $zero0))
    (local.set $any (local.get $zero0))
    (local.set $scalar (i32.eq (local.get $cbytes) (i32.const 4)))
    (local.set $vs (v128.load32_splat (local.get $scale)))
    (local.set $vz (v128.load32_splat (local.get $zero)))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $nbytes)))
        ;; codes
        (local.set $wv (v128.load (i32.add (local.get $w) (local.get $i))))
        (local.set $k (v128.load (i32.add (local.get $keep) (local.get $i))))
        (local.set $cd (v128.load (i32.add (local.get $codes) (local.get $i))))
        (if (local.get $scalar)
          (then
            (local.set $sv (local.get $vs))
            (local.set $zv (local.get $vz)))
          (else
            (local.set $sv (v128.load (i32.add (local.get $scale) (local.get $c))))
            (local.set $zv (v128.load (i32.add (local.get $zero) (local.get $c))))))
        (local.set $x
          (f32x4.pmin
            (f32x4.pmax
              (f32x4.nearest (f32x4.add (f32x4.div (local.get $wv) (local.get $sv)) (local.get $zv)))
              (local.get $vqmin))
            (local.get $vqmax)))
        (local.set $x (f32x4.add (f32x4.mul (local.get $x) (local.get $k)) (local.get $cd)))
        (if (i32.and (local.get $flags) (i32.const 16))
          (then
            (v128.store (i32.add (local.get $oY) (local.get $i))
              (f32x4.mul (f32x4.sub (local.get $x) (local.get $zv)) (local.get $sv)))))
        ;; tracker
        (local.set $l (v128.load (i32.add (local.get $last) (local.get $i))))
        (local.set $f (v128.load (i32.add (local.get $freq) (local.get $i))))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then
            (local.set $dx (f32x4.sub (local.get $x) (v128.load (i32.add (local.get $prev) (local.get $i)))))
            (local.set $s (f32x4.pmin (f32x4.pmax (local.get $dx) (local.get $mone)) (local.get $one)))
            ;; s·l ∈ {−1, ±0, 1}: the lower clamp at −1 never changes it
            (local.set $neg (f32x4.pmin (f32x4.mul (local.get $s) (local.get $l)) (local.get $zero0)))
            (local.set $f
              (f32x4.sub (local.get $f) (f32x4.mul (f32x4.add (local.get $f) (local.get $neg)) (local.get $vm))))
            (local.set $l
              (f32x4.pmin
                (f32x4.pmax (f32x4.add (f32x4.add (local.get $dx) (local.get $dx)) (local.get $l)) (local.get $mone))
                (local.get $one)))
            ;; |s| = s·s for s ∈ {−1, ±0, 1}, one multiply instead of a mask constant and an and
            (local.set $flips (f32x4.add (local.get $flips) (f32x4.mul (local.get $s) (local.get $s))))
            (local.set $negs (f32x4.add (local.get $negs) (local.get $neg)))))
        (v128.store (i32.add (local.get $oPrev) (local.get $i)) (local.get $x))
        (v128.store (i32.add (local.get $oLast) (local.get $i)) (local.get $l))
        (v128.store (i32.add (local.get $oFreq) (local.get $i)) (local.get $f))
        ;; freezer
        (local.set $e
          (if (result v128) (i32.and (local.get $flags) (i32.const 2))
            (then (v128.load (i32.add (local.get $ema) (local.get $i))))
            (else (local.get $x))))
        ;; gt gives all-ones lanes; and-ing with keep's bits gives keep (1.0 or 0.0) or +0.0
        (if (i32.and (local.get $flags) (i32.const 4))
          (then
            (local.set $any (v128.or (local.get $any) (v128.and (f32x4.gt (local.get $f) (local.get $vth)) (local.get $k))))))
        (v128.store (i32.add (local.get $oEma) (local.get $i))
          (if (result v128) (i32.and (local.get $flags) (i32.const 8))
            (then (f32x4.add (local.get $e) (f32x4.mul (f32x4.sub (local.get $x) (local.get $e)) (local.get $vm))))
            (else (local.get $x))))
        ;; next 4 lanes; the channel offset wraps at the end of the last axis
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (if (i32.ge_u (local.get $c) (local.get $cbytes)) (then (local.set $c (i32.const 0))))
        (br $top)))
    ;; totals: unchanged unless primed
    (i32.store (local.get $oFlipTotal)
      (i32.add (i32.load (local.get $flipTotal))
        (i32.trunc_f32_s
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $flips)) (f32x4.extract_lane 1 (local.get $flips)))
            (f32.add (f32x4.extract_lane 2 (local.get $flips)) (f32x4.extract_lane 3 (local.get $flips)))))))
    (i32.store (local.get $oRevTotal)
      (i32.sub (i32.load (local.get $revTotal))
        (i32.trunc_f32_s
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $negs)) (f32x4.extract_lane 1 (local.get $negs)))
            (f32.add (f32x4.extract_lane 2 (local.get $negs)) (f32x4.extract_lane 3 (local.get $negs)))))))
    ;; sampled entries
    (block $sdone
      (loop $stop
        (br_if $sdone (i32.ge_u (local.get $j) (local.get $nSamples)))
        (local.set $idx (i32.shl (i32.load (i32.add (local.get $samples) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 2)))
        (local.set $d (f32.const 0))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then
            (local.set $d
              (f32.abs
                (f32.min
                  (f32.max
                    (f32.sub
                      (f32.load (i32.add (local.get $oPrev) (local.get $idx)))
                      (f32.load (i32.add (local.get $prev) (local.get $idx))))
                    (f32.const -1))
                  (f32.const 1))))))
        (f32.store (i32.add (local.get $oSampleFlips) (i32.shl (local.get $j) (i32.const 2)))
          (f32.add (f32.load (i32.add (local.get $sampleFlips) (i32.shl (local.get $j) (i32.const 2)))) (local.get $d)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $stop)))
    (v128.any_true (local.get $any)))
  (func (export "osc_freeze")
    (param $w i32) (param $keep i32) (param $codes i32) (param $pinned i32) (param $ema i32)
    (param $oPrev i32) (param $oFreq i32) (param $oKeep i32) (param $oCodes i32) (param $oPinned i32)
    (param $scale i32) (param $zero i32) (param $cbytes i32) (param $oY i32)
    (param $nbytes i32) (param $th f32) (param $flags i32)
    (local $i i32) (local $c i32) (local $vth v128) (local $k v128) (local $x v128) (local $e v128) (local $newly v128)
    (local $target v128) (local $cd v128) (local $scalar i32) (local $sv v128) (local $zv v128)
    (local.set $vth (f32x4.splat (local.get $th)))
    (local.set $scalar (i32.eq (local.get $cbytes) (i32.const 4)))
    (local.set $sv (v128.load32_splat (local.get $scale)))
    (local.set $zv (v128.load32_splat (local.get $zero)))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $nbytes)))
        (local.set $k (v128.load (i32.add (local.get $keep) (local.get $i))))
        (local.set $x (v128.load (i32.add (local.get $oPrev) (local.get $i))))
        (local.set $newly
          (v128.and (f32x4.gt (v128.load (i32.add (local.get $oFreq) (local.get $i))) (local.get $vth)) (local.get $k)))
        (local.set $e
          (if (result v128) (i32.and (local.get $flags) (i32.const 2))
            (then (v128.load (i32.add (local.get $ema) (local.get $i))))
            (else (local.get $x))))
        (local.set $target
          (if (result v128) (i32.and (local.get $flags) (i32.const 8))
            (then (f32x4.nearest (local.get $e)))
            (else (local.get $x))))
        (local.set $cd
          (f32x4.add (v128.load (i32.add (local.get $codes) (local.get $i)))
            (f32x4.mul (local.get $newly) (local.get $target))))
        (v128.store (i32.add (local.get $oCodes) (local.get $i)) (local.get $cd))
        (if (i32.and (local.get $flags) (i32.const 16))
          (then
            (if (i32.eqz (local.get $scalar))
              (then
                (local.set $sv (v128.load (i32.add (local.get $scale) (local.get $c))))
                (local.set $zv (v128.load (i32.add (local.get $zero) (local.get $c))))))
            ;; newly is 1.0 or +0.0: ne 0 gives the all-ones lanes to select
            (v128.store (i32.add (local.get $oY) (local.get $i))
              (v128.bitselect
                (f32x4.mul (f32x4.sub (local.get $cd) (local.get $zv)) (local.get $sv))
                (v128.load (i32.add (local.get $oY) (local.get $i)))
                (f32x4.ne (local.get $newly) (f32x4.splat (f32.const 0)))))))
        (v128.store (i32.add (local.get $oPinned) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $pinned) (local.get $i)))
            (f32x4.mul (local.get $newly) (v128.load (i32.add (local.get $w) (local.get $i))))))
        (v128.store (i32.add (local.get $oKeep) (local.get $i)) (f32x4.sub (local.get $k) (local.get $newly)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (if (i32.ge_u (local.get $c) (local.get $cbytes)) (then (local.set $c (i32.const 0))))
        (br $top)))))
