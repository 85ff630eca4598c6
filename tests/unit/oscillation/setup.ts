/** Shared setup of the oscillation tests (cpu backend via the project's test helpers). */
import type * as tf from '@tensorflow/tfjs-core';
export { useCpuBackend as useCpu } from '../../helpers/tf';

/** Reads a tensor back as a plain number array and disposes it. */
export async function values(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}
