;; Gradient of 2×2 stride-2 'valid' max pooling (src/tensor/ops.ts maxPool2Fast) in one WebAssembly
;; SIMD pass, 4 channels per v128: x [N, H, W, C] and dy [N, floor(H/2), floor(W/2), C] → dx [N, H, W, C].
;;
;; Each window's dy goes to ONE entry, chosen exactly as the tfjs cpu backend's MaxPoolGrad
;; (maxPoolPositions) chooses it: scan the window row-major, a = (0,0), b = (0,1), c = (1,0), d = (1,1),
;; starting from m = −∞, and move to an entry only when it is strictly greater than the running max:
;;
;;   ga = a > −∞        m = pmax(−∞, a)          (pmax(p, q) = p < q ? q : p, i.e. "q > p ? q : p")
;;   gb = b > m         m = pmax(m, b)
;;   gc = c > m         m = pmax(m, c)
;;   gd = d > m
;;   chosen = the last entry whose g fired:  sd = gd,  sc = gc and not gd,  sb = gb and not (gc or gd),
;;                                           sa = ga and not (gb or gc or gd)
;;   dx_k = dy and s_k (bitwise: dy where chosen, +0 elsewhere)
;;
;; So the FIRST entry equal to the window's max takes the gradient (ties: (0,0) before (0,1) before
;; (1,0) before (1,1)). NaN entries compare false and are skipped (m never becomes NaN); a window with
;; no entry above −∞ (all −∞ or NaN) routes its dy nowhere: all four entries get 0, as on cpu. Entries
;; that are not chosen get +0 even when dy is ±∞ or NaN (the op path's 0·dy would give NaN there);
;; the chosen entry gets dy bit for bit. −0 and +0 are equal: the first of them wins.
;; A trailing odd row or column (H or W odd) is not pooled and gets 0. Every element of dx is written
;; (the backend's outputs are not zeroed).
;;
;; All pointers are byte offsets into tfjs-wasm's heap; `cb` = C·4 bytes, a multiple of 16.
;; Built into src/tensor/kernels/wasmModules.ts by `npm run kernels` (wabt); MEMORY is replaced by
;; an unshared or a shared memory import, to match the single-threaded or the threaded tfjs binary.
(module
  MEMORY
  (func (export "max_pool2_grad")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $n i32) (param $hIn i32) (param $wIn i32) (param $cb i32)
    (local $h i32) (local $w i32) (local $row i32)
    (local $b i32) (local $i i32) (local $j i32) (local $c i32) (local $e i32)
    (local $ox i32) (local $oy i32) (local $p i32)
    (local $ninf v128) (local $zero v128) (local $m v128) (local $g v128)
    (local $va v128) (local $vb v128) (local $vc v128) (local $vd v128)
    (local $ga v128) (local $gb v128) (local $gc v128) (local $gd v128) (local $later v128)
    (local.set $h (i32.shr_u (local.get $hIn) (i32.const 1)))
    (local.set $w (i32.shr_u (local.get $wIn) (i32.const 1)))
    (local.set $row (i32.mul (local.get $wIn) (local.get $cb)))
    (local.set $ninf (f32x4.splat (f32.const -inf)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    ;; $ox: byte offset of the current window pair's top row in x and dx; $oy: offset in dy
    (local.set $b (i32.const 0))
    (block $bdone
      (loop $btop
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $itop
            (br_if $idone (i32.ge_u (local.get $i) (local.get $h)))
            (local.set $j (i32.const 0))
            (block $jdone
              (loop $jtop
                (br_if $jdone (i32.ge_u (local.get $j) (local.get $w)))
                (local.set $c (i32.const 0))
                (block $cdone
                  (loop $ctop
                    (br_if $cdone (i32.ge_u (local.get $c) (local.get $cb)))
                    (local.set $p (i32.add (local.get $ox) (local.get $c)))
                    (local.set $va (v128.load (i32.add (local.get $x) (local.get $p))))
                    (local.set $vb (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $cb)))))
                    (local.set $vc (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $row)))))
                    (local.set $vd
                      (v128.load
                        (i32.add (local.get $x) (i32.add (local.get $p) (i32.add (local.get $row) (local.get $cb))))))
                    (local.set $g (v128.load (i32.add (local.get $dy) (local.get $oy))))
                    (local.set $ga (f32x4.gt (local.get $va) (local.get $ninf)))
                    (local.set $m (f32x4.pmax (local.get $ninf) (local.get $va)))
                    (local.set $gb (f32x4.gt (local.get $vb) (local.get $m)))
                    (local.set $m (f32x4.pmax (local.get $m) (local.get $vb)))
                    (local.set $gc (f32x4.gt (local.get $vc) (local.get $m)))
                    (local.set $m (f32x4.pmax (local.get $m) (local.get $vc)))
                    (local.set $gd (f32x4.gt (local.get $vd) (local.get $m)))
                    ;; d
                    (v128.store
                      (i32.add (local.get $dx) (i32.add (local.get $p) (i32.add (local.get $row) (local.get $cb))))
                      (v128.and (local.get $g) (local.get $gd)))
                    ;; c unless d
                    (v128.store (i32.add (local.get $dx) (i32.add (local.get $p) (local.get $row)))
                      (v128.and (local.get $g) (v128.andnot (local.get $gc) (local.get $gd))))
                    ;; b unless c or d
                    (local.set $later (v128.or (local.get $gc) (local.get $gd)))
                    (v128.store (i32.add (local.get $dx) (i32.add (local.get $p) (local.get $cb)))
                      (v128.and (local.get $g) (v128.andnot (local.get $gb) (local.get $later))))
                    ;; a unless b, c or d
                    (local.set $later (v128.or (local.get $later) (local.get $gb)))
                    (v128.store (i32.add (local.get $dx) (local.get $p))
                      (v128.and (local.get $g) (v128.andnot (local.get $ga) (local.get $later))))
                    (local.set $oy (i32.add (local.get $oy) (i32.const 16)))
                    (local.set $c (i32.add (local.get $c) (i32.const 16)))
                    (br $ctop)))
                (local.set $ox (i32.add (local.get $ox) (i32.shl (local.get $cb) (i32.const 1))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jtop)))
            ;; odd W: the last column of both rows gets 0
            (if (i32.and (local.get $wIn) (i32.const 1))
              (then
                (local.set $c (i32.const 0))
                (block $zdone
                  (loop $ztop
                    (br_if $zdone (i32.ge_u (local.get $c) (local.get $cb)))
                    (local.set $p (i32.add (local.get $dx) (i32.add (local.get $ox) (local.get $c))))
                    (v128.store (local.get $p) (local.get $zero))
                    (v128.store (i32.add (local.get $p) (local.get $row)) (local.get $zero))
                    (local.set $c (i32.add (local.get $c) (i32.const 16)))
                    (br $ztop)))
                (local.set $ox (i32.add (local.get $ox) (local.get $cb)))))
            ;; skip the window pair's bottom row
            (local.set $ox (i32.add (local.get $ox) (local.get $row)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $itop)))
        ;; odd H: the last row gets 0
        (if (i32.and (local.get $hIn) (i32.const 1))
          (then
            (local.set $e (i32.add (local.get $ox) (local.get $row)))
            (block $rdone
              (loop $rtop
                (br_if $rdone (i32.ge_u (local.get $ox) (local.get $e)))
                (v128.store (i32.add (local.get $dx) (local.get $ox)) (local.get $zero))
                (local.set $ox (i32.add (local.get $ox) (i32.const 16)))
                (br $rtop)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $btop)))))
