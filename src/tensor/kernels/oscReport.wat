;; The oscillation report of one tracked weight tensor in a single WebAssembly SIMD pass
;; (src/train/oscReport.ts): the statistics, the frequency histogram and the sampled weights that the
;; op path builds from ~20 tfjs kernels (src/train/oscillation.ts statsTensor and histogramTensor,
;; src/train/freezing.ts frozenFractionTensor, Quantizer.toInt + gathers), with the same float32
;; arithmetic where the op path's result is exact.
;;
;; osc_stats: over the n = nbytes/4 entries of f (and of keep when hasKeep), writes out[0 .. 5+bins):
;;   out[0] = #(f > th) / n                      (the op path's mean(step(f − th)): its float32 sum of
;;                                                0/1 is exact below 2^24, so only the division rounds)
;;   out[1] = Σf / n                             (Σ in float64, then rounded once to float32: within
;;                                                ulps of the exact mean; the op path's running float32
;;                                                sum drifts further)
;;   out[2], out[3] = float32(flipTotal), float32(revTotal)   (int32 scalars)
;;   out[4] = 1 − Σkeep / n  (hasKeep), else 0   (Σkeep exact: per-lane float32 sums of 0/1 < 2^24)
;;   out[5 + b] = #(idx = b), idx = clamp(floor((f − e0) / width), 0, bins − 1)   (float32 ops, as
;;                histogramTensor bins them; counts exact integers)
;;   The histogram is counted in `scratch` (4·bins int32, one sub-histogram per SIMD lane so the four
;;   increments of a vector never hit the same counter), zeroed here, then summed into out.
;;
;; osc_samples: for the k sampled flat indices i_j (int32 at `samples`), writes out[0 .. 4k):
;;   c    = (i / inner) mod C                     (the channel of entry i; C = 1 per-tensor)
;;   x    = clamp(nearest(w[i] / s[c] + z[c]), qmin, qmax)          (fakeQuant.ts forwardCodes)
;;   x    = x·keep[i] + codes[i]                   (applyCodes: the quantizer's frozen codes)
;;   out[j] = w[i];  out[k + j] = float32(int32(x));  out[2k + j] = 1 − keep[i] (hasKeep) or 0;
;;   out[3k + j] = sampleFlips[j]
;;   (int32(x) then back, as toInt's int32 cast and the gather's float32 cast do: −0 becomes 0)
;;
;; clamp(x, lo, hi) in the histogram is f32x4.pmin(f32x4.pmax(x, lo), hi): the same as min/max for the
;; non-NaN values here and ~3× faster in V8. All pointers are byte offsets into tfjs-wasm's heap;
;; `nbytes` is a multiple of 16.
;; Built into src/tensor/kernels/wasmModules.ts by `npm run kernels` (wabt); MEMORY is replaced by
;; an unshared or a shared memory import, to match the single-threaded or the threaded tfjs binary.
(module
  MEMORY
  (func (export "osc_stats")
    (param $freq i32) (param $keep i32) (param $nbytes i32) (param $hasKeep i32)
    (param $flipTotal i32) (param $revTotal i32)
    (param $th f32) (param $e0 f32) (param $width f32) (param $bins i32)
    (param $scratch i32) (param $out i32)
    (local $i i32) (local $b i32) (local $a i32) (local $cnt i32) (local $n f32)
    (local $f v128) (local $vth v128) (local $ve0 v128) (local $vw v128) (local $vtop v128)
    (local $zero v128) (local $lanes v128) (local $idx v128)
    (local $count v128) (local $s0 v128) (local $s1 v128) (local $ks v128)
    (local.set $vth (f32x4.splat (local.get $th)))
    (local.set $ve0 (f32x4.splat (local.get $e0)))
    (local.set $vw (f32x4.splat (local.get $width)))
    (local.set $vtop (f32x4.splat (f32.convert_i32_s (i32.sub (local.get $bins) (i32.const 1)))))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $count (local.get $zero))
    (local.set $s0 (local.get $zero))
    (local.set $s1 (local.get $zero))
    (local.set $ks (local.get $zero))
    ;; byte offsets of the four lanes' sub-histograms: 0, 4·bins, 8·bins, 12·bins
    (local.set $a (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $lanes
      (i32x4.replace_lane 3
        (i32x4.replace_lane 2
          (i32x4.replace_lane 1 (local.get $zero) (local.get $a))
          (i32.shl (local.get $a) (i32.const 1)))
        (i32.mul (local.get $a) (i32.const 3))))
    ;; zero the sub-histograms
    (local.set $i (i32.const 0))
    (block $zdone
      (loop $ztop
        (br_if $zdone (i32.ge_u (local.get $i) (i32.shl (local.get $a) (i32.const 2))))
        (i32.store (i32.add (local.get $scratch) (local.get $i)) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $ztop)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $nbytes)))
        (local.set $f (v128.load (i32.add (local.get $freq) (local.get $i))))
        ;; f > th: all-ones lanes (−1) counted down
        (local.set $count (i32x4.sub (local.get $count) (f32x4.gt (local.get $f) (local.get $vth))))
        ;; Σf in float64: low and high halves
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $f))))
        (local.set $s1
          (f64x2.add (local.get $s1)
            (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $f) (local.get $f)))))
        ;; histogram bin (byte offset into the lane's sub-histogram)
        (local.set $idx
          (i32x4.add
            (i32x4.shl
              (i32x4.trunc_sat_f32x4_s
                (f32x4.pmin
                  (f32x4.pmax
                    (f32x4.floor (f32x4.div (f32x4.sub (local.get $f) (local.get $ve0)) (local.get $vw)))
                    (local.get $zero))
                  (local.get $vtop)))
              (i32.const 2))
            (local.get $lanes)))
        (local.set $a (i32.add (local.get $scratch) (i32x4.extract_lane 0 (local.get $idx))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $scratch) (i32x4.extract_lane 1 (local.get $idx))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $scratch) (i32x4.extract_lane 2 (local.get $idx))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $scratch) (i32x4.extract_lane 3 (local.get $idx))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (if (local.get $hasKeep)
          (then
            (local.set $ks (f32x4.add (local.get $ks) (v128.load (i32.add (local.get $keep) (local.get $i)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $top)))
    (local.set $n (f32.convert_i32_u (i32.shr_u (local.get $nbytes) (i32.const 2))))
    (local.set $cnt
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $count)) (i32x4.extract_lane 1 (local.get $count)))
        (i32.add (i32x4.extract_lane 2 (local.get $count)) (i32x4.extract_lane 3 (local.get $count)))))
    (f32.store (local.get $out) (f32.div (f32.convert_i32_u (local.get $cnt)) (local.get $n)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (f32.store offset=4 (local.get $out)
      (f32.demote_f64
        (f64.div
          (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0)))
          (f64.convert_i32_u (i32.shr_u (local.get $nbytes) (i32.const 2))))))
    (f32.store offset=8 (local.get $out) (f32.convert_i32_s (i32.load (local.get $flipTotal))))
    (f32.store offset=12 (local.get $out) (f32.convert_i32_s (i32.load (local.get $revTotal))))
    (f32.store offset=16 (local.get $out)
      (if (result f32) (local.get $hasKeep)
        (then
          (f32.sub (f32.const 1)
            (f32.div
              (f32.add
                (f32.add (f32x4.extract_lane 0 (local.get $ks)) (f32x4.extract_lane 1 (local.get $ks)))
                (f32.add (f32x4.extract_lane 2 (local.get $ks)) (f32x4.extract_lane 3 (local.get $ks))))
              (local.get $n))))
        (else (f32.const 0))))
    ;; histogram: the four lanes' counts of each bin
    (local.set $a (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $b (i32.const 0))
    (block $hdone
      (loop $htop
        (br_if $hdone (i32.ge_u (local.get $b) (local.get $a)))
        (local.set $i (i32.add (local.get $scratch) (local.get $b)))
        (f32.store offset=20 (i32.add (local.get $out) (local.get $b))
          (f32.convert_i32_s
            (i32.add
              (i32.add (i32.load (local.get $i)) (i32.load (i32.add (local.get $i) (local.get $a))))
              (i32.add
                (i32.load (i32.add (local.get $i) (i32.shl (local.get $a) (i32.const 1))))
                (i32.load (i32.add (local.get $i) (i32.mul (local.get $a) (i32.const 3))))))))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $htop))))

  (func (export "osc_samples")
    (param $w i32) (param $scale i32) (param $zero i32) (param $channels i32) (param $inner i32)
    (param $keep i32) (param $codes i32) (param $hasKeep i32) (param $applyCodes i32)
    (param $samples i32) (param $k i32) (param $sampleFlips i32) (param $out i32)
    (param $qmin f32) (param $qmax f32)
    (local $j i32) (local $a i32) (local $c i32) (local $o i32) (local $kb i32)
    (local $wv f32) (local $x f32) (local $kp f32)
    (local.set $kb (i32.shl (local.get $k) (i32.const 2)))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $j) (local.get $k)))
        (local.set $a (i32.load (i32.add (local.get $samples) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $c
          (i32.shl
            (i32.rem_u (i32.div_u (local.get $a) (local.get $inner)) (local.get $channels))
            (i32.const 2)))
        (local.set $a (i32.shl (local.get $a) (i32.const 2)))
        (local.set $wv (f32.load (i32.add (local.get $w) (local.get $a))))
        (local.set $x
          (f32.min
            (f32.max
              (f32.nearest
                (f32.add
                  (f32.div (local.get $wv) (f32.load (i32.add (local.get $scale) (local.get $c))))
                  (f32.load (i32.add (local.get $zero) (local.get $c)))))
              (local.get $qmin))
            (local.get $qmax)))
        (local.set $kp
          (if (result f32) (local.get $hasKeep)
            (then (f32.load (i32.add (local.get $keep) (local.get $a))))
            (else (f32.const 1))))
        (if (local.get $applyCodes)
          (then
            (local.set $x
              (f32.add (f32.mul (local.get $x) (local.get $kp))
                (f32.load (i32.add (local.get $codes) (local.get $a)))))))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
        (f32.store (local.get $o) (local.get $wv))
        (local.set $o (i32.add (local.get $o) (local.get $kb)))
        (f32.store (local.get $o) (f32.convert_i32_s (i32.trunc_sat_f32_s (local.get $x))))
        (local.set $o (i32.add (local.get $o) (local.get $kb)))
        (f32.store (local.get $o) (f32.sub (f32.const 1) (local.get $kp)))
        (local.set $o (i32.add (local.get $o) (local.get $kb)))
        (f32.store (local.get $o)
          (f32.load (i32.add (local.get $sampleFlips) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $top)))))
