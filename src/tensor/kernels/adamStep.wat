;; One Adam update of one parameter tensor in a single WebAssembly SIMD pass (src/train/fusedAdam.ts),
;; exactly as tfjs-core 4.22's AdamOptimizer.applyGradients computes it, in float32 and in the same
;; order of operations (wasm has no FMA, so every step rounds like the tfjs kernel it replaces):
;;
;;   m' = m·β1 + g·(1−β1)
;;   v' = v·β2 + (g·g)·(1−β2)
;;   w' = ((m' / c1) / (√(v' / c2) + ε))·(−lr) + w        c1 = 1 − β1^t, c2 = 1 − β2^t
;;
;; With $pin = 1 the new value is then pinned as the weight freezer's restore does (src/train/fusedAdam.ts WeightPin):
;;   w'' = w'·keep + pinned     (keep 0/1, pinned 0 on free entries; the same two float32 ops)
;;
;; c1 and c2 are read from float32 scalars in the heap (tfjs keeps β^t in variables); the other
;; constants arrive as f32 parameters, rounded from the same JS numbers tfjs turns into scalars.
;; All pointers are byte offsets into tfjs-wasm's heap; `nbytes` is 4·size, any size (scalar tail).
;; Built into src/tensor/kernels/wasmModules.ts by `npm run kernels` (wabt).
(module
  MEMORY
  (func (export "adam_step")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $c1 i32) (param $c2 i32)
    (param $oW i32) (param $oM i32) (param $oV i32) (param $keep i32) (param $pinned i32) (param $pin i32)
    (param $nbytes i32)
    (param $b1 f32) (param $ob1 f32) (param $b2 f32) (param $ob2 f32) (param $eps f32) (param $nlr f32)
    (local $i i32) (local $end i32)
    (local $vb1 v128) (local $vob1 v128) (local $vb2 v128) (local $vob2 v128)
    (local $veps v128) (local $vnlr v128) (local $vc1 v128) (local $vc2 v128)
    (local $gv v128) (local $mn v128) (local $vn v128) (local $wn v128)
    (local $sc1 f32) (local $sc2 f32) (local $sg f32) (local $sm f32) (local $sv f32) (local $sw f32)
    (local.set $sc1 (f32.load (local.get $c1)))
    (local.set $sc2 (f32.load (local.get $c2)))
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $vob1 (f32x4.splat (local.get $ob1)))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $vob2 (f32x4.splat (local.get $ob2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vnlr (f32x4.splat (local.get $nlr)))
    (local.set $vc1 (f32x4.splat (local.get $sc1)))
    (local.set $vc2 (f32x4.splat (local.get $sc2)))
    (local.set $end (i32.and (local.get $nbytes) (i32.const -16)))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mn
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $vb1))
            (f32x4.mul (local.get $gv) (local.get $vob1))))
        (local.set $vn
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $vb2))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $vob2))))
        (v128.store (i32.add (local.get $oM) (local.get $i)) (local.get $mn))
        (v128.store (i32.add (local.get $oV) (local.get $i)) (local.get $vn))
        (local.set $wn
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mn) (local.get $vc1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vn) (local.get $vc2))) (local.get $veps)))
              (local.get $vnlr))
            (v128.load (i32.add (local.get $w) (local.get $i)))))
        (if (local.get $pin)
          (then
            (local.set $wn
              (f32x4.add
                (f32x4.mul (local.get $wn) (v128.load (i32.add (local.get $keep) (local.get $i))))
                (v128.load (i32.add (local.get $pinned) (local.get $i)))))))
        (v128.store (i32.add (local.get $oW) (local.get $i)) (local.get $wn))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $top)))
    ;; scalar tail: the last size mod 4 entries
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $nbytes)))
        (local.set $sg (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $sm
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
            (f32.mul (local.get $sg) (local.get $ob1))))
        (local.set $sv
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
            (f32.mul (f32.mul (local.get $sg) (local.get $sg)) (local.get $ob2))))
        (f32.store (i32.add (local.get $oM) (local.get $i)) (local.get $sm))
        (f32.store (i32.add (local.get $oV) (local.get $i)) (local.get $sv))
        (local.set $sw
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $sm) (local.get $sc1))
                (f32.add (f32.sqrt (f32.div (local.get $sv) (local.get $sc2))) (local.get $eps)))
              (local.get $nlr))
            (f32.load (i32.add (local.get $w) (local.get $i)))))
        (if (local.get $pin)
          (then
            (local.set $sw
              (f32.add
                (f32.mul (local.get $sw) (f32.load (i32.add (local.get $keep) (local.get $i))))
                (f32.load (i32.add (local.get $pinned) (local.get $i)))))))
        (f32.store (i32.add (local.get $oW) (local.get $i)) (local.get $sw))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))))
