import * as tf from '@tensorflow/tfjs';
import { initBackend } from './src/tensor/backend';
await initBackend(process.argv[2] as 'wasm');
const n = 268000;
const a = tf.randomNormal([784, 256 + 86]);
const b = tf.randomNormal([784, 256 + 86]);
const i32 = tf.cast(a, 'int32');
const s = tf.scalar(0.3);
const ops: Record<string, () => tf.Tensor> = {
  add: () => tf.add(a, b), mulScalarNum: () => tf.mul(a, 0.3), mulScalarT: () => tf.mul(a, s), sub: () => tf.sub(a, b),
  equal: () => tf.equal(a, b), equalScalar: () => tf.equal(a, -1), notEqual0: () => tf.notEqual(a, 0), greater: () => tf.greater(a, 0.5), less: () => tf.less(a, 0.5),
  where: () => tf.where(tf.greater(a, 0), a, b), sign: () => tf.sign(a), clip: () => tf.clipByValue(a, -1, 1), abs: () => tf.abs(a), relu: () => tf.relu(a), minimum0: () => tf.minimum(a, 0), round: () => tf.round(a),
  castI: () => tf.cast(a, 'int32'), castF: () => tf.cast(i32, 'float32'), addI: () => tf.add(i32, i32), neg: () => tf.neg(a), maximum: () => tf.maximum(a, b),
};
for (const [k, f] of Object.entries(ops)) {
  tf.tidy(f);
  const t0 = performance.now();
  for (let i = 0; i < 30; i++) tf.tidy(f);
  console.log(k.padEnd(14), ((performance.now() - t0) / 30).toFixed(3), 'ms');
}
