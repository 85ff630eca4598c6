/**
 * Loss, accuracy, test evaluation and the divergence rule. Evaluation reads back once per chunk of
 * the test set; the training loop reads nothing back except at report steps.
 */
import * as tf from '@tensorflow/tfjs';
import { chunks, imageBatch, labelBatch, type ImageBatcher } from '../data/batches';
import type { MnistData, MnistSplit } from '../data/mnist';
import type { Experiment } from '../experiment/schema';
import type { QuantModel } from '../models/build';
import { forward } from '../models/forward';
import { disposeBnStats, hasBatchNorm, reestimateBatchNorm, type BnStatsMap } from '../models/reestimate';
import { createRng, permutation } from '../tensor/rng';
import type { HistoryPoint } from './types';

/** Test samples per forward pass during evaluation (bounds peak memory). */
export const EVAL_CHUNK = 500;
/**
 * A loss above this is "exploding": softmax cross-entropy over 10 classes starts at ln 10 ≈ 2.3,
 * and 1000 means logits apart by ~1000, which no useful run produces.
 */
export const EXPLODING_LOSS = 1000;

/** Mean softmax cross-entropy of logits [N, 10] against one-hot labels [N, 10]. */
export function crossEntropy(labels: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

/** Number of rows whose arg-max logit matches the one-hot label (float scalar). */
export function correctCount(labels: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1)), 'float32'));
}

/** Accuracy (0–1) and mean loss over a data split. */
export interface EvalResult {
  accuracy: number;
  loss: number;
}

/**
 * Accuracy and loss of any classifier `logitsOf` (images [n, 784] → logits [n, 10], called inside
 * tf.tidy) on the first `count` samples of `split`. Reads back once per chunk.
 */
export async function evaluateLogits(
  split: MnistSplit,
  count: number,
  logitsOf: (images: tf.Tensor2D) => tf.Tensor2D,
): Promise<EvalResult> {
  let correct = 0;
  let lossSum = 0;
  const n = Math.min(count, split.count);
  for (const indices of chunks(n, EVAL_CHUNK)) {
    const sums = tf.tidy(() => {
      const labels = labelBatch(split, indices);
      const logits = logitsOf(imageBatch(split, indices));
      return tf.stack([correctCount(labels, logits), tf.mul(crossEntropy(labels, logits), indices.length)]);
    });
    const [c, l] = await sums.data();
    sums.dispose();
    correct += c;
    lossSum += l;
  }
  return { accuracy: correct / n, loss: lossSum / n };
}

/**
 * Evaluates the model on the first `count` samples of `split` in evaluation mode (running BN
 * statistics, or `bnStats` when given).
 */
export function evaluateSplit(
  model: QuantModel,
  split: MnistSplit,
  count: number,
  bnStats?: BnStatsMap,
): Promise<EvalResult> {
  return evaluateLogits(split, count, (x) => forward(model, x, { training: false, bnStats }));
}

/** A test evaluation's fields of a history point. */
export type TestMetrics = Pick<HistoryPoint, 'testAccuracy' | 'testLoss' | 'testAccuracyBnReestimated'>;

/**
 * Test accuracy and loss on `exp.data.testSize` samples of `data.test`; with BN re-estimation on,
 * also the accuracy under BN statistics re-estimated on training batches (`trainImages`, over
 * `data.train`) drawn from a stream of their own, so evaluating never shifts the training order.
 */
export async function evaluateTest(
  model: QuantModel,
  exp: Experiment,
  data: MnistData,
  trainImages: ImageBatcher,
  step: number,
): Promise<TestMetrics> {
  const testCount = exp.data.testSize;
  const plain = await evaluateSplit(model, data.test, testCount);
  const metrics: TestMetrics = { testAccuracy: plain.accuracy, testLoss: plain.loss };
  if (!exp.bn.reestimate || !hasBatchNorm(model)) return metrics;
  const trainCount = Math.min(exp.data.trainSize, data.train.count);
  const order = permutation(trainCount, createRng(exp.seed, `bn-reestimate/${step}`));
  const bs = exp.train.batchSize;
  const batch = (i: number) =>
    trainImages.batch(Array.from({ length: bs }, (_, j) => order[(i * bs + j) % trainCount]));
  const stats = reestimateBatchNorm(model, exp.bn.reestimateBatches, batch);
  try {
    metrics.testAccuracyBnReestimated = (await evaluateSplit(model, data.test, testCount, stats)).accuracy;
  } finally {
    disposeBnStats(stats);
  }
  return metrics;
}

/**
 * Why a run must stop, or undefined when the loss is fine. Worded for the user: what happened, at
 * which step, and what to change.
 */
export function divergenceReason(loss: number, step: number, lr: number): string | undefined {
  const advice = `lower the learning rate (now ${lr})`;
  if (Number.isNaN(loss)) return `loss became NaN at step ${step}; ${advice}`;
  if (!Number.isFinite(loss)) return `loss became infinite at step ${step}; ${advice}`;
  if (loss > EXPLODING_LOSS)
    return `loss exploded to ${loss.toPrecision(3)} at step ${step} (limit ${EXPLODING_LOSS}); ${advice}`;
  return undefined;
}

/** Longest history kept; beyond it, every other plain report is dropped (evaluations stay). */
export const MAX_HISTORY = 2000;

/**
 * Appends a point and keeps the history bounded: when it grows past {@link MAX_HISTORY}, every
 * second point without a test evaluation is dropped, halving the resolution of old reports.
 */
export function appendHistory(history: HistoryPoint[], point: HistoryPoint): void {
  history.push(point);
  if (history.length <= MAX_HISTORY) return;
  let plain = 0;
  const kept = history.filter(
    (p, i) => p.testAccuracy !== undefined || i === history.length - 1 || plain++ % 2 === 0,
  );
  history.splice(0, history.length, ...kept);
}
