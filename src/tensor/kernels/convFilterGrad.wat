;; The weight gradient of a 3×3, stride-1, 'same' convolution with ONE input channel (the first
;; layer of the CNNs, whose input is the image) in a single WebAssembly SIMD pass
;; (src/tensor/kernels/convFilterGrad.ts):
;;
;;   dW[i, j, 0, co] = Σ_n Σ_h Σ_w xpad[n, h + i, w + j] · dy[n, h, w, co]      (i, j ∈ 0..2)
;;
;; xpad is the input zero-padded by one pixel on each side ([N, H+2, W+2]). tfjs-wasm has no
;; Conv2DBackpropFilter; the generic route (ops.ts ft2: a Conv2D with the batch as its reduction
;; channel and a 28×28 "filter") runs at ~1.2 GMAC/s here. The sums are two-level: each image's
;; 9·Co partial sums accumulate in `blk`, then are added to `out`, so float32 round-off grows with
;; H·W + N terms, not H·W·N.
;; Vectorised over 4 output channels; `cobytes` = 4·Co, a multiple of 16. Writes every entry of
;; `out` ([3, 3, 1, Co]) and uses `blk` (9·Co floats) as scratch. Pointers are byte offsets into
;; tfjs-wasm's heap. Built by `npm run kernels` (wabt).
(module
  MEMORY
  (func $zero (param $p i32) (param $nbytes i32)
    (local $t i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $t) (local.get $nbytes)))
        (v128.store (i32.add (local.get $p) (local.get $t)) (v128.const i32x4 0 0 0 0))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (br $top))))
  (func (export "conv3x3_filter_grad_c1")
    (param $x i32) (param $dy i32) (param $out i32) (param $blk i32)
    (param $n i32) (param $h i32) (param $w i32) (param $cobytes i32)
    (local $img i32) (local $r i32) (local $c i32) (local $g i32) (local $t i32)
    (local $rowb i32) (local $tapb i32) (local $xp i32) (local $dp i32) (local $acc i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $x4 v128) (local $x5 v128) (local $x6 v128) (local $x7 v128) (local $x8 v128) (local $d v128)
    (local.set $rowb (i32.mul (i32.add (local.get $w) (i32.const 2)) (i32.const 4)))
    (local.set $tapb (i32.mul (local.get $cobytes) (i32.const 9)))
    (call $zero (local.get $out) (local.get $tapb))
    (local.set $dp (local.get $dy))
    (block $imgDone
      (loop $imgLoop
        (br_if $imgDone (i32.ge_u (local.get $img) (local.get $n)))
        (call $zero (local.get $blk) (local.get $tapb))
        (local.set $r (i32.const 0))
        (block $rDone
          (loop $rLoop
            (br_if $rDone (i32.ge_u (local.get $r) (local.get $h)))
            ;; xp: xpad[img, r, 0], the top-left tap of output pixel (r, 0)
                    (local.set $xp
              (i32.add (local.get $x)
                (i32.mul
                  (i32.add (i32.mul (local.get $img) (i32.add (local.get $h) (i32.const 2))) (local.get $r))
                  (local.get $rowb))))
            (local.set $c (i32.const 0))
            (block $cDone
              (loop $cLoop
                (br_if $cDone (i32.ge_u (local.get $c) (local.get $w)))
                (local.set $x0 (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.add (i32.mul (local.get $rowb) (i32.const 0)) (i32.const 0))))))
                (local.set $x1 (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.add (i32.mul (local.get $rowb) (i32.const 0)) (i32.const 4))))))
                (local.set $x2 (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.add (i32.mul (local.get $rowb) (i32.const 0)) (i32.const 8))))))
                (local.set $x3 (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.add (i32.mul (local.get $rowb) (i32.const 1)) (i32.const 0))))))
                (local.set $x4 (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.add (i32.mul (local.get $rowb) (i32.const 1)) (i32.const 4))))))
                (local.set $x5 (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.add (i32.mul (local.get $rowb) (i32.const 1)) (i32.const 8))))))
                (local.set $x6 (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.add (i32.mul (local.get $rowb) (i32.const 2)) (i32.const 0))))))
                (local.set $x7 (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.add (i32.mul (local.get $rowb) (i32.const 2)) (i32.const 4))))))
                (local.set $x8 (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.add (i32.mul (local.get $rowb) (i32.const 2)) (i32.const 8))))))
                (local.set $g (i32.const 0))
                (block $gDone
                  (loop $gLoop
                    (br_if $gDone (i32.ge_u (local.get $g) (local.get $cobytes)))
                    (local.set $d (v128.load (i32.add (local.get $dp) (local.get $g))))
                    (local.set $acc (i32.add (local.get $blk) (local.get $g)))
                    (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (local.get $x0) (local.get $d))))
                    (local.set $acc (i32.add (local.get $acc) (local.get $cobytes)))
                    (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (local.get $x1) (local.get $d))))
                    (local.set $acc (i32.add (local.get $acc) (local.get $cobytes)))
                    (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (local.get $x2) (local.get $d))))
                    (local.set $acc (i32.add (local.get $acc) (local.get $cobytes)))
                    (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (local.get $x3) (local.get $d))))
                    (local.set $acc (i32.add (local.get $acc) (local.get $cobytes)))
                    (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (local.get $x4) (local.get $d))))
                    (local.set $acc (i32.add (local.get $acc) (local.get $cobytes)))
                    (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (local.get $x5) (local.get $d))))
                    (local.set $acc (i32.add (local.get $acc) (local.get $cobytes)))
                    (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (local.get $x6) (local.get $d))))
                    (local.set $acc (i32.add (local.get $acc) (local.get $cobytes)))
                    (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (local.get $x7) (local.get $d))))
                    (local.set $acc (i32.add (local.get $acc) (local.get $cobytes)))
                    (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (local.get $x8) (local.get $d))))
                    (local.set $g (i32.add (local.get $g) (i32.const 16)))
                    (br $gLoop)))
                (local.set $dp (i32.add (local.get $dp) (local.get $cobytes)))
                        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $cLoop)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rLoop)))
        ;; out += blk
        (local.set $t (i32.const 0))
        (block $addDone
          (loop $addLoop
            (br_if $addDone (i32.ge_u (local.get $t) (local.get $tapb)))
            (v128.store (i32.add (local.get $out) (local.get $t))
              (f32x4.add
                (v128.load (i32.add (local.get $out) (local.get $t)))
                (v128.load (i32.add (local.get $blk) (local.get $t)))))
            (local.set $t (i32.add (local.get $t) (i32.const 16)))
            (br $addLoop)))
        (local.set $img (i32.add (local.get $img) (i32.const 1)))
        (br $imgLoop)))))
