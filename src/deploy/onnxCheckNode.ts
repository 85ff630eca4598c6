/**
 * The ONNX check in Node: onnxruntime-node runs the export (its CPU build, which ships inside the
 * npm package). Node only; the app checks with onnxruntime-web.
 */
import type { MnistSplit } from '../data/mnist';
import type { QuantModel } from '../models/build';
import { compareOnnx, type OnnxCheck } from './onnxCheck';
import type { OnnxModel } from './onnxExport';
import type { OnnxOutputsRunner } from './parityPasses';

/** Runs `onnx` in onnxruntime-node on the first `count` digits of `split`, against `model`. */
export async function checkOnnxNode(
  onnx: OnnxModel,
  model: QuantModel,
  split: MnistSplit,
  count: number,
): Promise<OnnxCheck> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(onnx.bytes);
  try {
    const run = async (pixels: Float32Array, shape: number[]) => {
      const out = await session.run({ input: new ort.Tensor('float32', pixels, shape) });
      return out.logits!.data as Float32Array;
    };
    const version = ort.env.versions.node ?? ort.env.versions.common;
    return await compareOnnx(
      run,
      { name: 'onnxruntime-node', version },
      onnx.inputShape,
      model,
      split,
      count,
    );
  } finally {
    await session.release();
  }
}

/** An onnxruntime-node session that returns every graph output by name; `release` frees it. */
export async function onnxSessionNode(
  bytes: Uint8Array,
): Promise<{ run: OnnxOutputsRunner; version: string; release: () => Promise<void> }> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes);
  const run: OnnxOutputsRunner = async (pixels, shape) => {
    const out = await session.run({ input: new ort.Tensor('float32', pixels, shape) });
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data as ArrayLike<number>]));
  };
  return { run, version: ort.env.versions.node ?? ort.env.versions.common, release: () => session.release() };
}
