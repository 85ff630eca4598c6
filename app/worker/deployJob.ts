/**
 * The Deploy workspace's jobs in the training worker (docs/integer.md §6): thin glue from a `deploy`
 * command to src/deploy over the session's trained model, run between training chunks on the
 * session's trainer chain. One answer per command.
 *
 * The ONNX check runs onnxruntime-web here, in the worker that holds the model and the test digits:
 * no tensor and no digit crosses to the main thread, only the file's bytes and the numbers come back.
 * Its wasm is the app's own copy (a Vite `?url` asset, never a CDN); the bundle embeds the JavaScript
 * glue, so the binary is the only file it fetches. Both load on the first check only (the binary is
 * ~15 MB). One thread: the check is small, and the training worker's tfjs pool already has the cores.
 */
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../../src/data/batches';
import type { MnistData } from '../../src/data/mnist';
import { evaluateInteger } from '../../src/deploy/evaluate';
import { inspectDigit, integerLayerViews } from '../../src/deploy/inspect';
import { buildIntegerModel, type IntegerModel } from '../../src/deploy/integerModel';
import { compareOnnx } from '../../src/deploy/onnxCheck';
import { exportOnnx } from '../../src/deploy/onnxExport';
import type { Experiment } from '../../src/experiment/schema';
import type { QuantModel } from '../../src/models/build';
import { QuantTrainer } from '../../src/train/trainer';
import { LADDER_TWIN, LADDER_WHILE_TRAINING } from './ladderJob';
import type { Command, DeployJob, DeployResult, WorkerEvent } from './protocol';
import type { Session } from './session';

/** Training images that fix per-batch ranges, as `quant-lab infer` and `export` take them. */
export const DEPLOY_CALIB_SIZE = 256;

/** onnxruntime-web's wasm threads in the worker. */
const ORT_THREADS = 1;

function calibrationImages(data: MnistData): tf.Tensor2D {
  const n = Math.min(DEPLOY_CALIB_SIZE, data.train.count);
  return imageBatch(
    data.train,
    Array.from({ length: n }, (_, i) => i),
  );
}

/** Runs `fn` on the integer model of `model`, freed afterwards. */
function withInteger<T>(
  model: QuantModel,
  exp: Experiment,
  data: MnistData,
  biasFracBits: number,
  fn: (integer: IntegerModel) => T,
): T {
  const calib = calibrationImages(data);
  let integer: IntegerModel;
  try {
    integer = buildIntegerModel(model, exp, calib, { biasFracBits });
  } finally {
    calib.dispose();
  }
  try {
    return fn(integer);
  } finally {
    integer.dispose();
  }
}

/** onnxruntime-web's wasm build, set up to load the app's copy of its binary, single-threaded. */
async function loadOrt() {
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.wasmPaths = { wasm: ortWasm };
  ort.env.wasm.numThreads = ORT_THREADS;
  ort.env.wasm.proxy = false;
  return ort;
}

/** The QDQ export of `model` run by onnxruntime-web on the experiment's test digits. */
async function onnxCheck(model: QuantModel, exp: Experiment, data: MnistData): Promise<DeployResult> {
  const start = performance.now();
  const calib = calibrationImages(data);
  const onnx = (() => {
    try {
      return exportOnnx(model, exp, calib, 'qdq');
    } finally {
      calib.dispose();
    }
  })();
  const exportMs = performance.now() - start;
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(onnx.bytes, { executionProviders: ['wasm'] });
  try {
    const run = async (pixels: Float32Array, shape: number[]) => {
      const out = await session.run({ input: new ort.Tensor('float32', pixels, shape) });
      return out.logits!.data as Float32Array;
    };
    const version = ort.env.versions.web ?? ort.env.versions.common;
    const check = await compareOnnx(
      run,
      { name: 'onnxruntime-web', version },
      onnx.inputShape,
      model,
      data.test,
      exp.data.testSize,
    );
    return {
      kind: 'onnx',
      check,
      bytes: onnx.bytes,
      inputShape: onnx.inputShape,
      threads: ORT_THREADS,
      exportMs,
      ms: performance.now() - start,
    };
  } finally {
    await session.release();
  }
}

async function runJob(model: QuantModel, exp: Experiment, data: MnistData, job: DeployJob) {
  const start = performance.now();
  if (job.kind === 'onnx') return onnxCheck(model, exp, data);
  const { biasFracBits } = job;
  return withInteger(model, exp, data, biasFracBits, (integer): DeployResult => {
    const digit = inspectDigit(model, integer, data.test, job.digit);
    if (job.kind === 'digit') return { kind: 'digit', biasFracBits, digit, ms: performance.now() - start };
    const evaluation = evaluateInteger(model, integer, data.test, { count: exp.data.testSize });
    const layers = integerLayerViews(integer, evaluation);
    return { kind: 'integer', biasFracBits, evaluation, layers, digit, ms: performance.now() - start };
  });
}

export async function runDeployJob(
  session: Session | null,
  cmd: Extract<Command, { type: 'deploy' }>,
  data: MnistData,
  post: (e: WorkerEvent) => void,
): Promise<void> {
  const fail = (message: string) => post({ type: 'deployDone', jobId: cmd.jobId, message });
  if (!session) return fail('That run is no longer in the worker: train a model first.');
  if (session.isPlaying) return fail(LADDER_WHILE_TRAINING);
  try {
    const result = await session.withTrainer((t) => {
      if (!(t instanceof QuantTrainer)) throw new Error(LADDER_TWIN);
      return runJob(t.model, t.experiment, data, cmd.job);
    });
    if (!result) return fail('The run was replaced.');
    post({ type: 'deployDone', jobId: cmd.jobId, result });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}
