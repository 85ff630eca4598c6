/**
 * The bar an ONNX export must clear against the lab's own model (docs/integer.md §5), and the
 * argmax every comparison of model forms reads. Pure (no tfjs): the app judges a check with it on
 * the main thread.
 */

/** Smallest argmax agreement an export must reach. */
export const MIN_AGREEMENT = 0.999;

/**
 * Whether an export agrees: argmax agreement ≥ {@link MIN_AGREEMENT} and the two accuracies within
 * one digit in 2,000 (at least one digit).
 * @param images digits compared; `agree` of them got the same class; `correct` counts each model's right answers
 */
export function exportAgrees(
  images: number,
  agree: number,
  runtimeCorrect: number,
  labCorrect: number,
): boolean {
  const digits = Math.max(1, Math.floor(images / 2000));
  return agree / images >= MIN_AGREEMENT && Math.abs(runtimeCorrect - labCorrect) <= digits;
}

/** The class each row of `logits` ([n·classes], row-major) picks; the first on ties. */
export function argmaxRows(logits: ArrayLike<number>, classes: number): Int32Array {
  const n = Math.floor(logits.length / classes);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++)
    for (let k = 1; k < classes; k++)
      if (logits[i * classes + k]! > logits[i * classes + out[i]!]!) out[i] = k;
  return out;
}
