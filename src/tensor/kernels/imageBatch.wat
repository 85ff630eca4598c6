;; A batch of MNIST images as float32 pixels in [0, 1] (src/data/batches.ts ImageBatcher): for each
;; sample index, its image's uint8 pixels are read from the split's pixels uploaded once to the heap,
;; converted and divided by 255 in float32, and written as one row of the [B, P] output:
;;
;;   out[i·P + p] = f32(pixels[idx[i]·P + p]) / 255
;;
;; f32x4.div is correctly rounded, and for integers 0..255 that is the same float32 as JavaScript's
;; double division v / 255 rounded to float32 (imageBatch), since a double's 53 bits are more than
;; 2·24 + 2 (double rounding is innocuous for division then); tests/unit/perf/imageBatch.test.ts
;; checks all 256 values. P (`ppi`, pixels per image) must be a multiple of 16; pointers are byte
;; offsets into tfjs-wasm's heap. Built into wasmModules.ts by `npm run kernels`.
(module
  MEMORY
  (func (export "image_batch")
    (param $pixels i32) (param $idx i32) (param $n i32) (param $ppi i32) (param $out i32)
    (local $i i32) (local $src i32) (local $end i32) (local $dst i32)
    (local $v v128) (local $h v128) (local $k v128)
    (local.set $k (f32x4.splat (f32.const 255)))
    (local.set $dst (local.get $out))
    (block $done
      (loop $image
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $src
          (i32.add (local.get $pixels)
            (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))) (local.get $ppi))))
        (local.set $end (i32.add (local.get $src) (local.get $ppi)))
        (block $row_done
          (loop $row
            (br_if $row_done (i32.ge_u (local.get $src) (local.get $end)))
            ;; 16 pixels: bytes → u16 → u32 → f32, four vectors of four
            (local.set $v (v128.load (local.get $src)))
            (local.set $h (i16x8.extend_low_i8x16_u (local.get $v)))
            (v128.store offset=0 (local.get $dst)
              (f32x4.div (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (local.get $h))) (local.get $k)))
            (v128.store offset=16 (local.get $dst)
              (f32x4.div (f32x4.convert_i32x4_u (i32x4.extend_high_i16x8_u (local.get $h))) (local.get $k)))
            (local.set $h (i16x8.extend_high_i8x16_u (local.get $v)))
            (v128.store offset=32 (local.get $dst)
              (f32x4.div (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (local.get $h))) (local.get $k)))
            (v128.store offset=48 (local.get $dst)
              (f32x4.div (f32x4.convert_i32x4_u (i32x4.extend_high_i16x8_u (local.get $h))) (local.get $k)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
            (br $row)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $image)))))
