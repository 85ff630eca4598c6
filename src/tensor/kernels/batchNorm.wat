;; Training-mode batch normalization in WebAssembly SIMD (src/tensor/kernels/batchNorm.ts), x viewed
;; as [M, C] (C = the last axis, a multiple of 4), statistics per channel over the M rows:
;;
;; bn_forward (2 passes over x):
;;   K = mean of 32 rows spread over the batch           (a shift against cancellation)
;;   S = Σ(x − K),  Q = Σ(x − K)²                         (one pass)
;;   μ = K + S/M,  σ² = Q/M − (S/M)²                      (float64; biased variance)
;;   r = 1/√(σ² + ε),  k = r·γ                            (float32, per channel)
;;   y = (x − μ)·k + β                                    (the association of src/models/batchnorm.ts)
;;   y = max(0, y) when `relu` is set                     (BN → ReLU fused)
;;   state [4, C] = [μ; r; k; β]                          (all the backward pass needs besides x)
;;
;; bn_backward (2 passes over dy and x), with c = x − μ, x̂ = c·r and d = dy (or, with `relu`,
;; dy·[(x − μ)·k + β > 0]: the forward's y recomputed bit for bit from the same state):
;;   dβ = Σ d,  dγ = Σ d·x̂                                (per channel, over the M rows)
;;   dx = (d·k − A) − c·B,  A = k·dβ/M,  B = k·r·dγ/M     (A, B in float64, rounded once)
;; i.e. dx = γ·r·(d − dβ/M − x̂·dγ/M), the exact gradient through μ and σ² included.
;;
;; Sums: blocks of 32 rows are summed in float32 (f32x4 lanes, one channel per lane), each block's
;; sum is added to a float64 accumulator per channel: float32 rounding only within a block, so the
;; statistics are ~1e-7 relative over any M (a single float32 pass over 50k rows is ~5e-6). With
;; the shift, Q/M − (S/M)² cancels only (S/M)² ≈ σ²/32, and that in float64.
;; Every pass walks the rows in blocks of 32, one group of 4 channels at a time (the block stays in
;; L1; the group's per-channel vectors stay in registers): ~2× faster than one sweep over x with
;; the channel offset wrapping at the end of each row.
;; `tmp` is scratch: float64 accumulators first (16·C bytes; for the channel group at byte offset g
;; of a row, 4 channels, those of sum j sit at tmp + 4g + 32j: lanes 0, 1 then lanes 2, 3 as
;; f64x2), then per-channel float32 vectors (forward: K; backward: A, B), C floats each.
;; All pointers are byte offsets into tfjs-wasm's heap; cb = 4·C bytes per row.
;; Built into src/tensor/kernels/wasmModules.ts by `npm run kernels` (wabt); MEMORY is replaced by
;; an unshared or a shared memory import, to match the single-threaded or the threaded tfjs binary.
(module
  MEMORY

  ;; Adds the four float32 lanes of s to the float64 accumulators at p (lanes 0, 1) and p + 16.
  (func $acc64 (param $p i32) (param $s v128)
    (v128.store (local.get $p)
      (f64x2.add (v128.load (local.get $p)) (f64x2.promote_low_f32x4 (local.get $s))))
    (v128.store offset=16 (local.get $p)
      (f64x2.add
        (v128.load offset=16 (local.get $p))
        (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s) (local.get $s))))))

  ;; Zeroes n bytes at p (n a multiple of 16).
  (func $zero (param $p i32) (param $n i32)
    (local $e i32)
    (local.set $e (i32.add (local.get $p) (local.get $n)))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
        (v128.store (local.get $p) (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $top))))

  ;; The float64 accumulator of channel byte offset c (pair j = 0) as a float64.
  (func $sum64 (param $tmp i32) (param $c i32) (result f64)
    (f64.load
      (i32.add (local.get $tmp)
        (i32.add
          (i32.shl (i32.and (local.get $c) (i32.const -16)) (i32.const 2))
          (i32.shl (i32.and (local.get $c) (i32.const 15)) (i32.const 1))))))

  ;; Per-channel Σ(x − K) (pair 0) and Σ(x − K)² (pair 1) into the accumulators at tmp, K [C] at pk.
  (func $shiftedSums (param $x i32) (param $pk i32) (param $tmp i32) (param $m i32) (param $cb i32)
    (local $total i32) (local $blk i32) (local $s i32) (local $e i32) (local $g i32)
    (local $p i32) (local $pe i32) (local $vk v128) (local $d0 v128) (local $d1 v128)
    (local $a0 v128) (local $a1 v128) (local $q0 v128) (local $q1 v128)
    (local.set $total (i32.mul (local.get $m) (local.get $cb)))
    (local.set $blk (i32.shl (local.get $cb) (i32.const 5)))
    (call $zero (local.get $tmp) (i32.shl (local.get $cb) (i32.const 2)))
    (block $bdone
      (loop $btop
        (br_if $bdone (i32.ge_u (local.get $s) (local.get $total)))
        (local.set $e (i32.add (local.get $s) (local.get $blk)))
        (if (i32.gt_u (local.get $e) (local.get $total)) (then (local.set $e (local.get $total))))
        (local.set $g (i32.const 0))
        (loop $gtop
          (local.set $p (i32.add (local.get $x) (i32.add (local.get $s) (local.get $g))))
          (local.set $pe (i32.add (local.get $x) (i32.add (local.get $e) (local.get $g))))
          (local.set $vk (v128.load (i32.add (local.get $pk) (local.get $g))))
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $q0 (v128.const i32x4 0 0 0 0))
          (local.set $q1 (v128.const i32x4 0 0 0 0))
          ;; two rows per iteration: four independent sums
          (block $rdone
            (loop $rtop
              (br_if $rdone (i32.ge_u (i32.add (local.get $p) (local.get $cb)) (local.get $pe)))
              (local.set $d0 (f32x4.sub (v128.load (local.get $p)) (local.get $vk)))
              (local.set $d1 (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $cb))) (local.get $vk)))
              (local.set $a0 (f32x4.add (local.get $a0) (local.get $d0)))
              (local.set $a1 (f32x4.add (local.get $a1) (local.get $d1)))
              (local.set $q0 (f32x4.add (local.get $q0) (f32x4.mul (local.get $d0) (local.get $d0))))
              (local.set $q1 (f32x4.add (local.get $q1) (f32x4.mul (local.get $d1) (local.get $d1))))
              (local.set $p (i32.add (local.get $p) (i32.shl (local.get $cb) (i32.const 1))))
              (br $rtop)))
          (if (i32.lt_u (local.get $p) (local.get $pe))
            (then
              (local.set $d0 (f32x4.sub (v128.load (local.get $p)) (local.get $vk)))
              (local.set $a0 (f32x4.add (local.get $a0) (local.get $d0)))
              (local.set $q0 (f32x4.add (local.get $q0) (f32x4.mul (local.get $d0) (local.get $d0))))))
          (local.set $p (i32.add (local.get $tmp) (i32.shl (local.get $g) (i32.const 2))))
          (call $acc64 (local.get $p) (f32x4.add (local.get $a0) (local.get $a1)))
          (call $acc64 (i32.add (local.get $p) (i32.const 32)) (f32x4.add (local.get $q0) (local.get $q1)))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (br_if $gtop (i32.lt_u (local.get $g) (local.get $cb))))
        (local.set $s (local.get $e))
        (br $btop))))

  (func (export "bn_forward")
    (param $x i32) (param $gamma i32) (param $beta i32)
    (param $y i32) (param $mean i32) (param $var i32) (param $state i32)
    (param $tmp i32) (param $m i32) (param $cb i32) (param $eps f32) (param $relu i32)
    (local $inv f64) (local $c i32) (local $r f32) (local $v f32) (local $n i32) (local $j i32) (local $step i32)
    (local $total i32) (local $i i32) (local $o v128) (local $sh f64) (local $t f64)
    (local $pr i32) (local $pk i32) (local $pb i32) (local $pK i32)
    (local $blk i32) (local $s i32) (local $e i32) (local $g i32) (local $ie i32) (local $vmu v128) (local $vk v128) (local $vb v128)
    (local.set $inv (f64.div (f64.const 1) (f64.convert_i32_u (local.get $m))))
    (local.set $pr (i32.add (local.get $state) (local.get $cb)))
    (local.set $pk (i32.add (local.get $pr) (local.get $cb)))
    (local.set $pb (i32.add (local.get $pk) (local.get $cb)))
    (local.set $pK (i32.add (local.get $tmp) (i32.shl (local.get $cb) (i32.const 2))))
    ;; the shift K: mean of n = min(M, 32) rows spread over the batch (rows j·floor(M/n)), so that
    ;; (μ − K)² ≈ σ²/n and Σ(x − K)² loses nothing to cancellation
    (local.set $n (select (local.get $m) (i32.const 32) (i32.lt_u (local.get $m) (i32.const 32))))
    (local.set $step (i32.mul (i32.div_u (local.get $m) (local.get $n)) (local.get $cb)))
    (local.set $c (i32.const 0))
    (loop $ctop
      (local.set $t (f64.const 0))
      (local.set $j (i32.const 0))
      (loop $jtop
        (local.set $t
          (f64.add (local.get $t)
            (f64.promote_f32
              (f32.load
                (i32.add (local.get $x) (i32.add (i32.mul (local.get $j) (local.get $step)) (local.get $c)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $jtop (i32.lt_u (local.get $j) (local.get $n))))
      (f32.store (i32.add (local.get $pK) (local.get $c))
        (f32.demote_f64 (f64.div (local.get $t) (f64.convert_i32_u (local.get $n)))))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br_if $ctop (i32.lt_u (local.get $c) (local.get $cb))))
    ;; one pass: μ = K + Σ(x − K)/M,  σ² = Σ(x − K)²/M − (Σ(x − K)/M)² (float64); then r, k, β
    (call $shiftedSums (local.get $x) (local.get $pK) (local.get $tmp) (local.get $m) (local.get $cb))
    (local.set $c (i32.const 0))
    (loop $ctop
      (local.set $sh (f64.mul (call $sum64 (local.get $tmp) (local.get $c)) (local.get $inv)))
      (local.set $t
        (f64.sub
          (f64.mul (call $sum64 (i32.add (local.get $tmp) (i32.const 32)) (local.get $c)) (local.get $inv))
          (f64.mul (local.get $sh) (local.get $sh))))
      (local.set $v
        (f32.demote_f64
          (f64.add (f64.promote_f32 (f32.load (i32.add (local.get $pK) (local.get $c)))) (local.get $sh))))
      (f32.store (i32.add (local.get $mean) (local.get $c)) (local.get $v))
      (f32.store (i32.add (local.get $state) (local.get $c)) (local.get $v))
      (local.set $v (f32.demote_f64 (f64.max (local.get $t) (f64.const 0))))
      (f32.store (i32.add (local.get $var) (local.get $c)) (local.get $v))
      (local.set $r (f32.div (f32.const 1) (f32.sqrt (f32.add (local.get $v) (local.get $eps)))))
      (f32.store (i32.add (local.get $pr) (local.get $c)) (local.get $r))
      (f32.store (i32.add (local.get $pk) (local.get $c))
        (f32.mul (local.get $r) (f32.load (i32.add (local.get $gamma) (local.get $c)))))
      (f32.store (i32.add (local.get $pb) (local.get $c)) (f32.load (i32.add (local.get $beta) (local.get $c))))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br_if $ctop (i32.lt_u (local.get $c) (local.get $cb))))
    ;; y, blocks of 32 rows, channel group by group
    (local.set $total (i32.mul (local.get $m) (local.get $cb)))
    (local.set $blk (i32.shl (local.get $cb) (i32.const 5)))
    (block $bdone
      (loop $btop
        (br_if $bdone (i32.ge_u (local.get $s) (local.get $total)))
        (local.set $e (i32.add (local.get $s) (local.get $blk)))
        (if (i32.gt_u (local.get $e) (local.get $total)) (then (local.set $e (local.get $total))))
        (local.set $g (i32.const 0))
        (loop $gtop
          (local.set $vmu (v128.load (i32.add (local.get $state) (local.get $g))))
          (local.set $vk (v128.load (i32.add (local.get $pk) (local.get $g))))
          (local.set $vb (v128.load (i32.add (local.get $pb) (local.get $g))))
          (local.set $i (i32.add (local.get $s) (local.get $g)))
          (local.set $ie (i32.add (local.get $e) (local.get $g)))
          (loop $rtop
            (local.set $o
              (f32x4.add
                (f32x4.mul
                  (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $vmu))
                  (local.get $vk))
                (local.get $vb)))
            (if (local.get $relu)
              (then (local.set $o (f32x4.pmax (v128.const i32x4 0 0 0 0) (local.get $o)))))
            (v128.store (i32.add (local.get $y) (local.get $i)) (local.get $o))
            (local.set $i (i32.add (local.get $i) (local.get $cb)))
            (br_if $rtop (i32.lt_u (local.get $i) (local.get $ie))))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (br_if $gtop (i32.lt_u (local.get $g) (local.get $cb))))
        (local.set $s (local.get $e))
        (br $btop))))

  (func (export "bn_backward")
    (param $dy i32) (param $x i32) (param $state i32)
    (param $dx i32) (param $dgamma i32) (param $dbeta i32)
    (param $tmp i32) (param $m i32) (param $cb i32) (param $relu i32)
    (local $total i32) (local $blk i32) (local $s i32) (local $e i32) (local $g i32)
    (local $o i32) (local $oe i32) (local $i i32) (local $c i32)
    (local $pr i32) (local $pk i32) (local $pb i32) (local $pA i32) (local $pB i32)
    (local $vmu v128) (local $vr v128) (local $vk v128) (local $vb v128) (local $vA v128) (local $vB v128)
    (local $cen v128) (local $d v128) (local $ab v128) (local $ag v128)
    (local $inv f64) (local $sb f64) (local $sg f64) (local $k f64)
    (local.set $inv (f64.div (f64.const 1) (f64.convert_i32_u (local.get $m))))
    (local.set $total (i32.mul (local.get $m) (local.get $cb)))
    (local.set $blk (i32.shl (local.get $cb) (i32.const 5)))
    (local.set $pr (i32.add (local.get $state) (local.get $cb)))
    (local.set $pk (i32.add (local.get $pr) (local.get $cb)))
    (local.set $pb (i32.add (local.get $pk) (local.get $cb)))
    (local.set $pA (i32.add (local.get $tmp) (i32.shl (local.get $cb) (i32.const 2))))
    (local.set $pB (i32.add (local.get $pA) (local.get $cb)))
    ;; pass 1: Σd (pair 0) and Σd·x̂ (pair 1) per channel
    (call $zero (local.get $tmp) (i32.shl (local.get $cb) (i32.const 2)))
    (block $bdone
      (loop $btop
        (br_if $bdone (i32.ge_u (local.get $s) (local.get $total)))
        (local.set $e (i32.add (local.get $s) (local.get $blk)))
        (if (i32.gt_u (local.get $e) (local.get $total)) (then (local.set $e (local.get $total))))
        (local.set $g (i32.const 0))
        (loop $gtop
          (local.set $vmu (v128.load (i32.add (local.get $state) (local.get $g))))
          (local.set $vr (v128.load (i32.add (local.get $pr) (local.get $g))))
          (local.set $vk (v128.load (i32.add (local.get $pk) (local.get $g))))
          (local.set $vb (v128.load (i32.add (local.get $pb) (local.get $g))))
          (local.set $ab (v128.const i32x4 0 0 0 0))
          (local.set $ag (v128.const i32x4 0 0 0 0))
          (local.set $o (i32.add (local.get $s) (local.get $g)))
          (local.set $oe (i32.add (local.get $e) (local.get $g)))
          (loop $rtop
            (local.set $cen (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $o))) (local.get $vmu)))
            (local.set $d (v128.load (i32.add (local.get $dy) (local.get $o))))
            (if (local.get $relu)
              (then
                (local.set $d
                  (v128.and (local.get $d)
                    (f32x4.gt
                      (f32x4.add (f32x4.mul (local.get $cen) (local.get $vk)) (local.get $vb))
                      (v128.const i32x4 0 0 0 0))))))
            (local.set $ab (f32x4.add (local.get $ab) (local.get $d)))
            (local.set $ag
              (f32x4.add (local.get $ag) (f32x4.mul (local.get $d) (f32x4.mul (local.get $cen) (local.get $vr)))))
            (local.set $o (i32.add (local.get $o) (local.get $cb)))
            (br_if $rtop (i32.lt_u (local.get $o) (local.get $oe))))
          (call $acc64 (i32.add (local.get $tmp) (i32.shl (local.get $g) (i32.const 2))) (local.get $ab))
          (call $acc64
            (i32.add (i32.add (local.get $tmp) (i32.shl (local.get $g) (i32.const 2))) (i32.const 32))
            (local.get $ag))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (br_if $gtop (i32.lt_u (local.get $g) (local.get $cb))))
        (local.set $s (local.get $e))
        (br $btop)))
    ;; dβ, dγ and the coefficients A = k·dβ/M, B = k·r·dγ/M (float64, rounded once)
    (local.set $c (i32.const 0))
    (loop $ctop
      (local.set $sb (call $sum64 (local.get $tmp) (local.get $c)))
      (local.set $sg (call $sum64 (i32.add (local.get $tmp) (i32.const 32)) (local.get $c)))
      (f32.store (i32.add (local.get $dbeta) (local.get $c)) (f32.demote_f64 (local.get $sb)))
      (f32.store (i32.add (local.get $dgamma) (local.get $c)) (f32.demote_f64 (local.get $sg)))
      (local.set $k (f64.promote_f32 (f32.load (i32.add (local.get $pk) (local.get $c)))))
      (f32.store (i32.add (local.get $pA) (local.get $c))
        (f32.demote_f64 (f64.mul (f64.mul (local.get $k) (local.get $sb)) (local.get $inv))))
      (f32.store (i32.add (local.get $pB) (local.get $c))
        (f32.demote_f64
          (f64.mul
            (f64.mul
              (f64.mul (local.get $k) (f64.promote_f32 (f32.load (i32.add (local.get $pr) (local.get $c)))))
              (local.get $sg))
            (local.get $inv))))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br_if $ctop (i32.lt_u (local.get $c) (local.get $cb))))
    ;; pass 2: dx, same block order
    (local.set $s (i32.const 0))
    (block $bdone
      (loop $btop
        (br_if $bdone (i32.ge_u (local.get $s) (local.get $total)))
        (local.set $e (i32.add (local.get $s) (local.get $blk)))
        (if (i32.gt_u (local.get $e) (local.get $total)) (then (local.set $e (local.get $total))))
        (local.set $g (i32.const 0))
        (loop $gtop
          (local.set $vmu (v128.load (i32.add (local.get $state) (local.get $g))))
          (local.set $vk (v128.load (i32.add (local.get $pk) (local.get $g))))
          (local.set $vb (v128.load (i32.add (local.get $pb) (local.get $g))))
          (local.set $vA (v128.load (i32.add (local.get $pA) (local.get $g))))
          (local.set $vB (v128.load (i32.add (local.get $pB) (local.get $g))))
          (local.set $o (i32.add (local.get $s) (local.get $g)))
          (local.set $oe (i32.add (local.get $e) (local.get $g)))
          (loop $rtop
            (local.set $cen (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $o))) (local.get $vmu)))
            (local.set $d (v128.load (i32.add (local.get $dy) (local.get $o))))
            (if (local.get $relu)
              (then
                (local.set $d
                  (v128.and (local.get $d)
                    (f32x4.gt
                      (f32x4.add (f32x4.mul (local.get $cen) (local.get $vk)) (local.get $vb))
                      (v128.const i32x4 0 0 0 0))))))
            (v128.store (i32.add (local.get $dx) (local.get $o))
              (f32x4.sub
                (f32x4.sub (f32x4.mul (local.get $d) (local.get $vk)) (local.get $vA))
                (f32x4.mul (local.get $cen) (local.get $vB))))
            (local.set $o (i32.add (local.get $o) (local.get $cb)))
            (br_if $rtop (i32.lt_u (local.get $o) (local.get $oe))))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (br_if $gtop (i32.lt_u (local.get $g) (local.get $cb))))
        (local.set $s (local.get $e))
        (br $btop)))))
