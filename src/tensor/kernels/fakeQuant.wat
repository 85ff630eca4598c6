;; One fake-quant call with a tracked range (src/quant/fusedFakeQuant.ts) in a single WebAssembly
;; SIMD kernel: the batch min/max pass, the range update of src/quant/range/tracker.ts, the scale and
;; zero point of src/quant/grid.ts rangeToScaleTensor and the quantize/dequantize of
;; src/quant/fakeQuant.ts forwardCodes + dequantize, in float32 and in the op path's order of
;; operations, so every output is bit-identical to the op-by-op path on tfjs-wasm. Per-tensor, or
;; per channel c along the innermost axis (every formula below then holds channel by channel).
;;
;;   1. batch (source 0, 1):  bmin = min x,  bmax = max x       (any NaN in x: both NaN, like tf.min/max)
;;   2. range:  source 0: [lo', hi'] = [bmin, bmax]
;;              source 1: lo' = lo·(1−m) + bmin·m,  hi' = hi·(1−m) + bmax·m   ((1−m), m given as f32)
;;              source 2: [lo', hi'] = [lo, hi]                  (stored; x is not scanned)
;;   3. scale:  l = min(lo', 0),  h = max(hi', eps)
;;              symmetric  (flag 1 off): s = max(−l, h) / qmax,  z = 0 (never added: keeps −0 as tfjs does)
;;              asymmetric (flag 1 on):  s = (h − l) / (qmax − qmin),  z = clamp(nearest(−l / s), qmin, qmax)
;;   4. per entry:  v = x / s (+ z);  r = nearest(v);  q = clamp(r, qmin, qmax)
;;                  clipped += [r ≠ q]                            (flag 4)
;;                  q ← q·keep + codes                            (flag 2, frozen entries)
;;                  y = (q (− z))·s;  v is written out too        (flag 8, for estimators that use it)
;;      clip fraction = f32(clipped) / f32(n)                     (tf.mean of the 0/1 mask: exact below 2^24)
;;
;; clamp(r, lo, hi) is pmin(hi, pmax(lo, r)): that is what tfjs-wasm's ClipByValue (XNNPACK) does,
;; so clamp(−0, 0, 15) = +0 and clamp(NaN, lo, hi) = lo exactly as on the op path. min(·, 0) and
;; max(·, eps) of step 3 are f32.min / f32.max (NaN-propagating, −0 below +0) like tf.minimum /
;; tf.maximum. The min/max pass uses pmin/pmax (3× faster than min/max in V8), which skip NaN, plus
;; a NaN mask that then makes the range NaN, as tf.min/tf.max do: a diverging run stays visibly NaN
;; (s = NaN → y = NaN). Between −0 and +0 the per-tensor batch minimum may differ in sign from
;; tf.min's (lanes are combined with f32.min); s, z and x̂ do not depend on that sign.
;;
;; Exports: fake_quant / quant_range (per-tensor: steps 1–4 / steps 1–3 with s, z out, for
;; Quantizer.codeParams) and fake_quant_channels / quant_range_channels (C channels, cbytes = 4·C,
;; C a multiple of 4; s and z go to [C] buffers the caller provides).
;; All pointers are byte offsets into tfjs-wasm's heap; `nbytes` is a positive multiple of 16 (and
;; of cbytes). Built into src/tensor/kernels/wasmModules.ts by `npm run kernels` (wabt); MEMORY is
;; replaced by an unshared or a shared memory import, to match the single-threaded or the threaded
;; tfjs binary.
(module
  MEMORY
  ;; Steps 1–3: stores [lo', hi'] at oLo / oHi and returns s and z (z = 0 when symmetric).
  (func $range
    (param $x i32) (param $nbytes i32) (param $lo i32) (param $hi i32) (param $oLo i32) (param $oHi i32)
    (param $source i32) (param $keepW f32) (param $mix f32)
    (param $qmin f32) (param $qmax f32) (param $eps f32) (param $asym i32)
    (result f32 f32)
    (local $i i32) (local $bmin f32) (local $bmax f32) (local $rlo f32) (local $rhi f32)
    (local $l f32) (local $s f32) (local $z f32)
    (local $vmin v128) (local $vmax v128) (local $nan v128) (local $xv v128)
    ;; 1. batch min / max
    (if (i32.ne (local.get $source) (i32.const 2))
      (then
        (local.set $vmin (v128.load (local.get $x)))
        (local.set $vmax (local.get $vmin))
        (local.set $nan (f32x4.ne (local.get $vmin) (local.get $vmin)))
        (local.set $i (i32.const 16))
        (block $done
          (loop $top
            (br_if $done (i32.ge_u (local.get $i) (local.get $nbytes)))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $i))))
            ;; pmin(acc, x) = x < acc ? x : acc (the first of equal values stays, NaN is skipped)
            (local.set $vmin (f32x4.pmin (local.get $vmin) (local.get $xv)))
            (local.set $vmax (f32x4.pmax (local.get $vmax) (local.get $xv)))
            (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $xv) (local.get $xv))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $top)))
        (local.set $bmin
          (f32.min
            (f32.min (f32x4.extract_lane 0 (local.get $vmin)) (f32x4.extract_lane 1 (local.get $vmin)))
            (f32.min (f32x4.extract_lane 2 (local.get $vmin)) (f32x4.extract_lane 3 (local.get $vmin)))))
        (local.set $bmax
          (f32.max
            (f32.max (f32x4.extract_lane 0 (local.get $vmax)) (f32x4.extract_lane 1 (local.get $vmax)))
            (f32.max (f32x4.extract_lane 2 (local.get $vmax)) (f32x4.extract_lane 3 (local.get $vmax)))))
        (if (v128.any_true (local.get $nan))
          (then
            (local.set $bmin (f32.const nan))
            (local.set $bmax (f32.const nan))))))
    ;; 2. the range this call quantizes with (also the tracker's new state)
    (if (i32.eqz (local.get $source))
      (then
        (local.set $rlo (local.get $bmin))
        (local.set $rhi (local.get $bmax))))
    (if (i32.eq (local.get $source) (i32.const 1))
      (then
        (local.set $rlo
          (f32.add (f32.mul (f32.load (local.get $lo)) (local.get $keepW)) (f32.mul (local.get $bmin) (local.get $mix))))
        (local.set $rhi
          (f32.add (f32.mul (f32.load (local.get $hi)) (local.get $keepW)) (f32.mul (local.get $bmax) (local.get $mix))))))
    (if (i32.eq (local.get $source) (i32.const 2))
      (then
        (local.set $rlo (f32.load (local.get $lo)))
        (local.set $rhi (f32.load (local.get $hi)))))
    (f32.store (local.get $oLo) (local.get $rlo))
    (f32.store (local.get $oHi) (local.get $rhi))
    ;; 3. scale and zero point (tf.minimum / tf.maximum propagate NaN and order −0 below +0, as f32.min/max)
    (local.set $l (f32.min (local.get $rlo) (f32.const 0)))
    (local.set $rhi (f32.max (local.get $rhi) (local.get $eps)))
    (if (local.get $asym)
      (then
        (local.set $s
          (f32.div (f32.sub (local.get $rhi) (local.get $l)) (f32.sub (local.get $qmax) (local.get $qmin))))
        (local.set $z (f32.nearest (f32.div (f32.neg (local.get $l)) (local.get $s))))
        ;; clamp as XNNPACK: pmax(qmin, z) then pmin(qmax, ·)
        (local.set $z
          (select (local.get $z) (local.get $qmin) (f32.lt (local.get $qmin) (local.get $z))))
        (local.set $z
          (select (local.get $z) (local.get $qmax) (f32.lt (local.get $z) (local.get $qmax)))))
      (else
        (local.set $s (f32.div (f32.max (f32.neg (local.get $l)) (local.get $rhi)) (local.get $qmax)))))
    (local.get $s)
    (local.get $z))

  (func (export "quant_range")
    (param $x i32) (param $nbytes i32) (param $lo i32) (param $hi i32)
    (param $oLo i32) (param $oHi i32) (param $oS i32) (param $oZ i32)
    (param $source i32) (param $keepW f32) (param $mix f32)
    (param $qmin f32) (param $qmax f32) (param $eps f32) (param $asym i32)
    (local $s f32) (local $z f32)
    (call $range
      (local.get $x) (local.get $nbytes) (local.get $lo) (local.get $hi) (local.get $oLo) (local.get $oHi)
      (local.get $source) (local.get $keepW) (local.get $mix)
      (local.get $qmin) (local.get $qmax) (local.get $eps) (local.get $asym))
    (local.set $z)
    (local.set $s)
    (f32.store (local.get $oS) (local.get $s))
    (f32.store (local.get $oZ) (local.get $z)))

  ;; Per-channel steps 1–3 (channels along the innermost axis, cbytes = 4·C, C a multiple of 4):
  ;; writes [lo', hi'] to oLo / oHi and s, z to oS / oZ, each [C]. oLo / oHi / oS first hold the
  ;; running batch min / max / NaN mask: channel c of row k is x[k·C + c], four channels per vector.
  (func $rangeChannels
    (param $x i32) (param $nbytes i32) (param $cbytes i32) (param $lo i32) (param $hi i32)
    (param $oLo i32) (param $oHi i32) (param $oS i32) (param $oZ i32)
    (param $source i32) (param $keepW f32) (param $mix f32)
    (param $qmin f32) (param $qmax f32) (param $eps f32) (param $asym i32)
    (local $i i32) (local $c i32) (local $xv v128) (local $m v128) (local $vnan v128)
    (local $rlo v128) (local $rhi v128) (local $l v128) (local $s v128) (local $z v128)
    (local $vkeepW v128) (local $vmix v128) (local $vqmin v128) (local $vqmax v128) (local $zero v128)
    (local.set $vnan (f32x4.splat (f32.const nan)))
    (local.set $vkeepW (f32x4.splat (local.get $keepW)))
    (local.set $vmix (f32x4.splat (local.get $mix)))
    (local.set $vqmin (f32x4.splat (local.get $qmin)))
    (local.set $vqmax (f32x4.splat (local.get $qmax)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    ;; 1. batch min / max per channel
    (if (i32.ne (local.get $source) (i32.const 2))
      (then
        (local.set $c (i32.const 0))
        (block $idone
          (loop $itop
            (br_if $idone (i32.ge_u (local.get $c) (local.get $cbytes)))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $c))))
            (v128.store (i32.add (local.get $oLo) (local.get $c)) (local.get $xv))
            (v128.store (i32.add (local.get $oHi) (local.get $c)) (local.get $xv))
            (v128.store (i32.add (local.get $oS) (local.get $c)) (f32x4.ne (local.get $xv) (local.get $xv)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $itop)))
        (local.set $i (local.get $cbytes))
        (local.set $c (i32.const 0))
        (block $done
          (loop $top
            (br_if $done (i32.ge_u (local.get $i) (local.get $nbytes)))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $i))))
            (v128.store (i32.add (local.get $oLo) (local.get $c))
              (f32x4.pmin (v128.load (i32.add (local.get $oLo) (local.get $c))) (local.get $xv)))
            (v128.store (i32.add (local.get $oHi) (local.get $c))
              (f32x4.pmax (v128.load (i32.add (local.get $oHi) (local.get $c))) (local.get $xv)))
            (v128.store (i32.add (local.get $oS) (local.get $c))
              (v128.or (v128.load (i32.add (local.get $oS) (local.get $c))) (f32x4.ne (local.get $xv) (local.get $xv))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (if (i32.ge_u (local.get $c) (local.get $cbytes)) (then (local.set $c (i32.const 0))))
            (br $top)))))
    ;; 2–3, four channels at a time (the f32x4 ops round and order like their scalar versions)
    (local.set $c (i32.const 0))
    (block $cdone
      (loop $ctop
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $cbytes)))
        (if (i32.ne (local.get $source) (i32.const 2))
          (then
            (local.set $m (v128.load (i32.add (local.get $oS) (local.get $c))))
            (local.set $rlo (v128.bitselect (local.get $vnan) (v128.load (i32.add (local.get $oLo) (local.get $c))) (local.get $m)))
            (local.set $rhi (v128.bitselect (local.get $vnan) (v128.load (i32.add (local.get $oHi) (local.get $c))) (local.get $m)))))
        (if (i32.eq (local.get $source) (i32.const 1))
          (then
            (local.set $rlo
              (f32x4.add
                (f32x4.mul (v128.load (i32.add (local.get $lo) (local.get $c))) (local.get $vkeepW))
                (f32x4.mul (local.get $rlo) (local.get $vmix))))
            (local.set $rhi
              (f32x4.add
                (f32x4.mul (v128.load (i32.add (local.get $hi) (local.get $c))) (local.get $vkeepW))
                (f32x4.mul (local.get $rhi) (local.get $vmix))))))
        (if (i32.eq (local.get $source) (i32.const 2))
          (then
            (local.set $rlo (v128.load (i32.add (local.get $lo) (local.get $c))))
            (local.set $rhi (v128.load (i32.add (local.get $hi) (local.get $c))))))
        (v128.store (i32.add (local.get $oLo) (local.get $c)) (local.get $rlo))
        (v128.store (i32.add (local.get $oHi) (local.get $c)) (local.get $rhi))
        (local.set $l (f32x4.min (local.get $rlo) (local.get $zero)))
        (local.set $rhi (f32x4.max (local.get $rhi) (f32x4.splat (local.get $eps))))
        (if (local.get $asym)
          (then
            (local.set $s
              (f32x4.div (f32x4.sub (local.get $rhi) (local.get $l)) (f32x4.sub (local.get $vqmax) (local.get $vqmin))))
            (local.set $z
              (f32x4.pmin (local.get $vqmax)
                (f32x4.pmax (local.get $vqmin) (f32x4.nearest (f32x4.div (f32x4.neg (local.get $l)) (local.get $s)))))))
          (else
            (local.set $s (f32x4.div (f32x4.max (f32x4.neg (local.get $l)) (local.get $rhi)) (local.get $vqmax)))
            (local.set $z (local.get $zero))))
        (v128.store (i32.add (local.get $oS) (local.get $c)) (local.get $s))
        (v128.store (i32.add (local.get $oZ) (local.get $c)) (local.get $z))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $ctop))))

  ;; Step 4 over x; returns the number of clamped entries. $quantizeTensor uses one scale s and zero
  ;; point z in every lane; $quantizeChannels reads them per channel at sPtr / zPtr (cbytes = 4·C),
  ;; row by row. The two loop bodies are the same text (kept apart: a per-vector branch on the
  ;; layout costs ~20% in V8).
  (func $quantizeTensor
    (param $x i32) (param $nbytes i32) (param $s v128) (param $z v128)
    (param $keep i32) (param $codes i32) (param $y i32) (param $oV i32)
    (param $qmin f32) (param $qmax f32) (param $flags i32)
    (result i32)
    (local $i i32) (local $vqmin v128) (local $vqmax v128) (local $v v128) (local $r v128) (local $q v128) (local $cnt v128)
    (local.set $vqmin (f32x4.splat (local.get $qmin)))
    (local.set $vqmax (f32x4.splat (local.get $qmax)))
    (block $qdone
      (loop $qtop
        (br_if $qdone (i32.ge_u (local.get $i) (local.get $nbytes)))
        (local.set $v (f32x4.div (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $s)))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then (local.set $v (f32x4.add (local.get $v) (local.get $z)))))
        (if (i32.and (local.get $flags) (i32.const 8))
          (then (v128.store (i32.add (local.get $oV) (local.get $i)) (local.get $v))))
        (local.set $r (f32x4.nearest (local.get $v)))
        (local.set $q (f32x4.pmin (local.get $vqmax) (f32x4.pmax (local.get $vqmin) (local.get $r))))
        ;; ne gives −1 in the lanes the clamp changed
        (local.set $cnt (i32x4.sub (local.get $cnt) (f32x4.ne (local.get $r) (local.get $q))))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then
            (local.set $q
              (f32x4.add
                (f32x4.mul (local.get $q) (v128.load (i32.add (local.get $keep) (local.get $i))))
                (v128.load (i32.add (local.get $codes) (local.get $i)))))))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then (local.set $q (f32x4.sub (local.get $q) (local.get $z)))))
        (v128.store (i32.add (local.get $y) (local.get $i)) (f32x4.mul (local.get $q) (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $qtop)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $cnt)) (i32x4.extract_lane 1 (local.get $cnt)))
      (i32.add (i32x4.extract_lane 2 (local.get $cnt)) (i32x4.extract_lane 3 (local.get $cnt)))))

  (func $quantizeChannels
    (param $x i32) (param $nbytes i32) (param $cbytes i32) (param $sPtr i32) (param $zPtr i32)
    (param $keep i32) (param $codes i32) (param $y i32) (param $oV i32)
    (param $qmin f32) (param $qmax f32) (param $flags i32)
    (result i32)
    (local $i i32) (local $c i32) (local $s v128) (local $z v128)
    (local $vqmin v128) (local $vqmax v128) (local $v v128) (local $r v128) (local $q v128) (local $cnt v128)
    (local.set $vqmin (f32x4.splat (local.get $qmin)))
    (local.set $vqmax (f32x4.splat (local.get $qmax)))
    (block $qdone
      (loop $qtop
        (br_if $qdone (i32.ge_u (local.get $i) (local.get $nbytes)))
        (local.set $s (v128.load (i32.add (local.get $sPtr) (local.get $c))))
        (local.set $z (v128.load (i32.add (local.get $zPtr) (local.get $c))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (if (i32.ge_u (local.get $c) (local.get $cbytes)) (then (local.set $c (i32.const 0))))
        (local.set $v (f32x4.div (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $s)))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then (local.set $v (f32x4.add (local.get $v) (local.get $z)))))
        (if (i32.and (local.get $flags) (i32.const 8))
          (then (v128.store (i32.add (local.get $oV) (local.get $i)) (local.get $v))))
        (local.set $r (f32x4.nearest (local.get $v)))
        (local.set $q (f32x4.pmin (local.get $vqmax) (f32x4.pmax (local.get $vqmin) (local.get $r))))
        ;; ne gives −1 in the lanes the clamp changed
        (local.set $cnt (i32x4.sub (local.get $cnt) (f32x4.ne (local.get $r) (local.get $q))))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then
            (local.set $q
              (f32x4.add
                (f32x4.mul (local.get $q) (v128.load (i32.add (local.get $keep) (local.get $i))))
                (v128.load (i32.add (local.get $codes) (local.get $i)))))))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then (local.set $q (f32x4.sub (local.get $q) (local.get $z)))))
        (v128.store (i32.add (local.get $y) (local.get $i)) (f32x4.mul (local.get $q) (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $qtop)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $cnt)) (i32x4.extract_lane 1 (local.get $cnt)))
      (i32.add (i32x4.extract_lane 2 (local.get $cnt)) (i32x4.extract_lane 3 (local.get $cnt)))))

  ;; clip fraction = f32(count) / f32(n), as tf.mean divides its float32 sum
  (func $storeClip (param $oClip i32) (param $count i32) (param $nbytes i32)
    (f32.store (local.get $oClip)
      (f32.div
        (f32.convert_i32_u (local.get $count))
        (f32.convert_i32_u (i32.shr_u (local.get $nbytes) (i32.const 2))))))

  (func (export "fake_quant")
    (param $x i32) (param $nbytes i32) (param $lo i32) (param $hi i32)
    (param $keep i32) (param $codes i32)
    (param $y i32) (param $oV i32) (param $oLo i32) (param $oHi i32) (param $oClip i32)
    (param $source i32) (param $keepW f32) (param $mix f32)
    (param $qmin f32) (param $qmax f32) (param $eps f32) (param $flags i32)
    (local $s f32) (local $z f32) (local $count i32)
    (call $range
      (local.get $x) (local.get $nbytes) (local.get $lo) (local.get $hi) (local.get $oLo) (local.get $oHi)
      (local.get $source) (local.get $keepW) (local.get $mix)
      (local.get $qmin) (local.get $qmax) (local.get $eps) (i32.and (local.get $flags) (i32.const 1)))
    (local.set $z)
    (local.set $s)
    (local.set $count
      (call $quantizeTensor
        (local.get $x) (local.get $nbytes) (f32x4.splat (local.get $s)) (f32x4.splat (local.get $z))
        (local.get $keep) (local.get $codes) (local.get $y) (local.get $oV)
        (local.get $qmin) (local.get $qmax) (local.get $flags)))
    (if (i32.and (local.get $flags) (i32.const 4))
      (then (call $storeClip (local.get $oClip) (local.get $count) (local.get $nbytes)))))

  (func (export "quant_range_channels")
    (param $x i32) (param $nbytes i32) (param $cbytes i32) (param $lo i32) (param $hi i32)
    (param $oLo i32) (param $oHi i32) (param $oS i32) (param $oZ i32)
    (param $source i32) (param $keepW f32) (param $mix f32)
    (param $qmin f32) (param $qmax f32) (param $eps f32) (param $asym i32)
    (call $rangeChannels
      (local.get $x) (local.get $nbytes) (local.get $cbytes) (local.get $lo) (local.get $hi)
      (local.get $oLo) (local.get $oHi) (local.get $oS) (local.get $oZ)
      (local.get $source) (local.get $keepW) (local.get $mix)
      (local.get $qmin) (local.get $qmax) (local.get $eps) (local.get $asym)))

  (func (export "fake_quant_channels")
    (param $x i32) (param $nbytes i32) (param $cbytes i32) (param $lo i32) (param $hi i32)
    (param $keep i32) (param $codes i32)
    (param $y i32) (param $oV i32) (param $oLo i32) (param $oHi i32) (param $oS i32) (param $oZ i32) (param $oClip i32)
    (param $source i32) (param $keepW f32) (param $mix f32)
    (param $qmin f32) (param $qmax f32) (param $eps f32) (param $flags i32)
    (local $count i32)
    (call $rangeChannels
      (local.get $x) (local.get $nbytes) (local.get $cbytes) (local.get $lo) (local.get $hi)
      (local.get $oLo) (local.get $oHi) (local.get $oS) (local.get $oZ)
      (local.get $source) (local.get $keepW) (local.get $mix)
      (local.get $qmin) (local.get $qmax) (local.get $eps) (i32.and (local.get $flags) (i32.const 1)))
    (local.set $count
      (call $quantizeChannels
        (local.get $x) (local.get $nbytes) (local.get $cbytes) (local.get $oS) (local.get $oZ)
        (local.get $keep) (local.get $codes) (local.get $y) (local.get $oV)
        (local.get $qmin) (local.get $qmax) (local.get $flags)))
    (if (i32.and (local.get $flags) (i32.const 4))
      (then (call $storeClip (local.get $oClip) (local.get $count) (local.get $nbytes))))))
