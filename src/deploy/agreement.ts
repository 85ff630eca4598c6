/**
 * The bar an ONNX export must clear against the lab's own model (docs/integer.md §5). Pure (no
 * tfjs): the app judges a check with it on the main thread.
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
