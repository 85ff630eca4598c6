;; 2×2 stride-2 'valid' max pooling and its gradient (src/tensor/ops.ts maxPool2Fast, wrapped in
;; src/tensor/kernels/maxPool2.ts), 4 channels per v128, x [N, H, W, C] with C a multiple of 4.
;;
;; max_pool2: x -> y [N, floor(H/2), floor(W/2), C] and sel (int32, same shape): which entry of each
;; window is the max, chosen exactly as the tfjs cpu backend's MaxPool / MaxPoolGrad choose it (pool,
;; maxPoolPositions): scan the window row-major, a = (0,0), b = (0,1), c = (1,0), d = (1,1), from
;; m = -inf, and move to an entry only when it is strictly greater than the running max:
;;
;;   sel = 4 (none)
;;   if a > m: sel = 0      m = pmax(-inf, a)         (pmax(p, q) = p < q ? q : p = "q > p ? q : p")
;;   if b > m: sel = 1      m = pmax(m, b)
;;   if c > m: sel = 2      m = pmax(m, c)
;;   if d > m: sel = 3      m = pmax(m, d)            y = m
;;
;; So the FIRST entry equal to the window's max is chosen (ties: (0,0) before (0,1) before (1,0)
;; before (1,1); -0 and +0 are equal, the first wins and y is that zero). NaN compares false, so
;; NaN entries are skipped (m never becomes NaN), and a window with no entry above -inf (all -inf
;; or NaN) has y = -inf and sel = 4: exactly the cpu backend's values.
;;
;; max_pool2_grad: sel, dy [N, floor(H/2), floor(W/2), C] -> dx [N, H, W, C]
;;
;;   dx(window entry k) = dy and (sel == k)     (bitwise: dy bit for bit where chosen, +0 elsewhere)
;;
;; so sel = 4 routes dy nowhere, and entries not chosen get +0 even for an infinite or NaN dy (as in
;; the cpu backend's MaxPoolGrad; a product 0·dy would give NaN). A trailing odd row or column (H or
;; W odd) is not pooled and gets 0. Every element of dx is written (the backend's outputs are not
;; zeroed).
;;
;; All pointers are byte offsets into tfjs-wasm's heap; `cb` = C·4 bytes, a multiple of 16; $ox walks
;; x / dx (the top row of the current window pair), $oy walks y / sel / dy.
;; Built into src/tensor/kernels/wasmModules.ts by `npm run kernels` (wabt); MEMORY is replaced by
;; an unshared or a shared memory import, to match the single-threaded or the threaded tfjs binary.
(module
  MEMORY
  (func (export "max_pool2")
    (param $x i32) (param $y i32) (param $sel i32)
    (param $n i32) (param $hIn i32) (param $wIn i32) (param $cb i32)
    (local $h i32) (local $w i32) (local $row i32)
    (local $b i32) (local $i i32) (local $j i32) (local $c i32)
    (local $ox i32) (local $oy i32) (local $p i32)
    (local $ninf v128) (local $m v128) (local $code v128)
    (local $va v128) (local $vb v128) (local $vc v128) (local $vd v128)
    (local.set $h (i32.shr_u (local.get $hIn) (i32.const 1)))
    (local.set $w (i32.shr_u (local.get $wIn) (i32.const 1)))
    (local.set $row (i32.mul (local.get $wIn) (local.get $cb)))
    (local.set $ninf (f32x4.splat (f32.const -inf)))
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
                    (local.set $p (i32.add (local.get $x) (i32.add (local.get $ox) (local.get $c))))
                    (local.set $va (v128.load (local.get $p)))
                    (local.set $vb (v128.load (i32.add (local.get $p) (local.get $cb))))
                    (local.set $vc (v128.load (i32.add (local.get $p) (local.get $row))))
                    (local.set $vd (v128.load (i32.add (local.get $p) (i32.add (local.get $row) (local.get $cb)))))
                    ;; gt lanes are all ones: bitselect takes the new index there
                    (local.set $code
                      (v128.bitselect (i32x4.splat (i32.const 0)) (i32x4.splat (i32.const 4))
                        (f32x4.gt (local.get $va) (local.get $ninf))))
                    (local.set $m (f32x4.pmax (local.get $ninf) (local.get $va)))
                    (local.set $code
                      (v128.bitselect (i32x4.splat (i32.const 1)) (local.get $code)
                        (f32x4.gt (local.get $vb) (local.get $m))))
                    (local.set $m (f32x4.pmax (local.get $m) (local.get $vb)))
                    (local.set $code
                      (v128.bitselect (i32x4.splat (i32.const 2)) (local.get $code)
                        (f32x4.gt (local.get $vc) (local.get $m))))
                    (local.set $m (f32x4.pmax (local.get $m) (local.get $vc)))
                    (local.set $code
                      (v128.bitselect (i32x4.splat (i32.const 3)) (local.get $code)
                        (f32x4.gt (local.get $vd) (local.get $m))))
                    (local.set $m (f32x4.pmax (local.get $m) (local.get $vd)))
                    (v128.store (i32.add (local.get $y) (local.get $oy)) (local.get $m))
                    (v128.store (i32.add (local.get $sel) (local.get $oy)) (local.get $code))
                    (local.set $oy (i32.add (local.get $oy) (i32.const 16)))
                    (local.set $c (i32.add (local.get $c) (i32.const 16)))
                    (br $ctop)))
                (local.set $ox (i32.add (local.get $ox) (i32.shl (local.get $cb) (i32.const 1))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jtop)))
            ;; skip an odd W's last column, then the window pair's bottom row
            (if (i32.and (local.get $wIn) (i32.const 1))
              (then (local.set $ox (i32.add (local.get $ox) (local.get $cb)))))
            (local.set $ox (i32.add (local.get $ox) (local.get $row)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $itop)))
        ;; skip an odd H's last row
        (if (i32.and (local.get $hIn) (i32.const 1))
          (then (local.set $ox (i32.add (local.get $ox) (local.get $row)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $btop))))
  (func (export "max_pool2_grad")
    (param $sel i32) (param $dy i32) (param $dx i32)
    (param $n i32) (param $hIn i32) (param $wIn i32) (param $cb i32)
    (local $h i32) (local $w i32) (local $row i32)
    (local $b i32) (local $i i32) (local $j i32) (local $c i32) (local $e i32)
    (local $ox i32) (local $oy i32) (local $p i32)
    (local $zero v128) (local $g v128) (local $code v128)
    (local.set $h (i32.shr_u (local.get $hIn) (i32.const 1)))
    (local.set $w (i32.shr_u (local.get $wIn) (i32.const 1)))
    (local.set $row (i32.mul (local.get $wIn) (local.get $cb)))
    (local.set $zero (f32x4.splat (f32.const 0)))
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
                    (local.set $p (i32.add (local.get $dx) (i32.add (local.get $ox) (local.get $c))))
                    (local.set $g (v128.load (i32.add (local.get $dy) (local.get $oy))))
                    (local.set $code (v128.load (i32.add (local.get $sel) (local.get $oy))))
                    (v128.store (local.get $p)
                      (v128.and (local.get $g) (i32x4.eq (local.get $code) (i32x4.splat (i32.const 0)))))
                    (v128.store (i32.add (local.get $p) (local.get $cb))
                      (v128.and (local.get $g) (i32x4.eq (local.get $code) (i32x4.splat (i32.const 1)))))
                    (v128.store (i32.add (local.get $p) (local.get $row))
                      (v128.and (local.get $g) (i32x4.eq (local.get $code) (i32x4.splat (i32.const 2)))))
                    (v128.store (i32.add (local.get $p) (i32.add (local.get $row) (local.get $cb)))
                      (v128.and (local.get $g) (i32x4.eq (local.get $code) (i32x4.splat (i32.const 3)))))
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
