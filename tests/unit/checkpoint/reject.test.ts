/**
 * Bad checkpoints are rejected with a message naming what is wrong, never a stack trace: not JSON,
 * truncated JSON or weight data, foreign files, newer versions, a bad experiment, and tensors that
 * do not fit the model (missing, misshapen, another architecture).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  decodeCheckpointTensors,
  encodeCheckpoint,
  modelFromCheckpoint,
  modelState,
  parseCheckpoint,
  parseCheckpointText,
  serializeCheckpoint,
  type CheckpointFile,
} from '../../../src/checkpoint';
import { loadMnistNode } from '../../../src/data/node';
import { QuantModel } from '../../../src/models/build';
import { createQuantizer } from '../../../src/quant/quantizer';
import type { NamedTensors } from '../../../src/quant/types';
import { initBackend } from '../../../src/tensor/backend';
import { createTrainer } from '../../../src/train/trainer';
import { tinyMlp } from './setup';

const exp = tinyMlp();
let file: CheckpointFile;

beforeAll(async () => {
  await initBackend('cpu');
  const model = QuantModel.build(exp, createQuantizer);
  const named = modelState(model);
  file = await encodeCheckpoint({ experiment: exp, stepsDone: 0 }, named);
  tf.dispose(Object.values(named));
  model.dispose();
});

/** The error of parsing `text`. */
function errorOf(text: string): string {
  const parsed = parseCheckpointText(text);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? '' : parsed.error;
}

/** The error of loading a checkpoint of `exp` whose tensors are `edit`ed first. */
async function loadError(edit: (named: NamedTensors) => NamedTensors, experiment = exp): Promise<string> {
  const parsed = parseCheckpoint(file);
  if (!parsed.ok) throw new Error(parsed.error);
  const named = decodeCheckpointTensors(parsed.value);
  const edited = edit(named);
  const changed = await encodeCheckpoint({ experiment: exp, stepsDone: 0 }, edited);
  tf.dispose([...Object.values(named), ...Object.values(edited)].filter((t) => !t.isDisposed));
  const again = parseCheckpoint(changed);
  if (!again.ok) throw new Error(again.error);
  const loaded = modelFromCheckpoint(again.value, { experiment });
  if (loaded.ok) loaded.model.dispose();
  return loaded.ok ? '' : loaded.error;
}

describe('a bad checkpoint file', () => {
  it('not JSON, or JSON that ends early', () => {
    expect(errorOf('hello')).toMatch(/^not a checkpoint: not valid JSON/);
    const text = serializeCheckpoint(file);
    expect(errorOf(text.slice(0, text.length / 2))).toMatch(/^truncated: the JSON ends early/);
  });

  it('weight data shorter than the specs need: bytes expected vs found', () => {
    const needed = file.weightSpecs.reduce((sum, s) => sum + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
    const cut = { ...file, weightData: file.weightData.slice(0, file.weightData.length - 400) };
    expect(errorOf(JSON.stringify(cut))).toBe(
      `truncated: weightData holds ${needed - 300} bytes, the weight specs need ${needed}`,
    );
    expect(errorOf(JSON.stringify({ ...file, weightData: '@@' }))).toBe('weightData is not valid base64');
  });

  it('a foreign file: no format, another format, a run result', () => {
    const { format: _format, ...rest } = file;
    expect(errorOf(JSON.stringify(rest))).toBe(
      "not a checkpoint: no 'format' field (expected 'quant-lab-checkpoint')",
    );
    expect(errorOf(JSON.stringify({ ...file, format: 'keras' }))).toBe(
      `not a checkpoint: format is "keras", expected 'quant-lab-checkpoint'`,
    );
    expect(errorOf(JSON.stringify({ experiment: exp, status: 'completed', history: [] }))).toMatch(
      /^not a checkpoint but a run result/,
    );
    expect(errorOf('[1, 2]')).toBe('not a checkpoint: expected a JSON object');
  });

  it('a newer version', () => {
    expect(errorOf(JSON.stringify({ ...file, version: 2 }))).toBe(
      'written by a newer Quant Lab (version 2); this one reads version 1',
    );
  });

  it('a bad experiment, step count or weight spec', () => {
    const badExp = { ...file, experiment: { ...exp, model: { ...exp.model, arch: 'vgg' } } };
    expect(errorOf(JSON.stringify(badExp))).toMatch(/^experiment: .*model\.arch/);
    expect(errorOf(JSON.stringify({ ...file, stepsDone: -1 }))).toMatch(/^stepsDone:/);
    const specs = [{ ...file.weightSpecs[0], dtype: 'complex64' }, ...file.weightSpecs.slice(1)];
    expect(errorOf(JSON.stringify({ ...file, weightSpecs: specs }))).toMatch(
      /^weightSpecs\[0\] \(fc1\/weight\): dtype/,
    );
  });
});

describe('a checkpoint that does not fit the model', () => {
  it('a missing tensor', async () => {
    const error = await loadError(({ 'fc1/bias': _gone, ...rest }) => rest);
    expect(error).toBe('missing tensor fc1/bias');
  });

  it('a tensor of another shape', async () => {
    const error = await loadError((named) => ({ ...named, 'fc2/bias': tf.zeros([3]) }));
    expect(error).toBe('tensor fc2/bias has shape [3], expected [10]');
  });

  it('a quantizer state tensor missing', async () => {
    const error = await loadError(({ 'fc1/quant/act/range_calls': _gone, ...rest }) => rest);
    expect(error).toBe('missing tensor fc1/quant/act/range_calls');
  });

  it('another architecture names the first differing layer', async () => {
    const wider = tinyMlp({ model: { hidden: [32] } });
    expect(await loadError((named) => ({ ...named }), wider)).toBe(
      'architecture differs: layer 1 is fc1 [784,16] in the checkpoint, fc1 [784,32] in the experiment',
    );
    const deeper = tinyMlp({ model: { hidden: [16, 16] } });
    expect(await loadError((named) => ({ ...named }), deeper)).toMatch(
      /^architecture differs: layer 2 is fc2 \[16,10\] in the checkpoint, fc2 \[16,16\] in the experiment/,
    );
  });

  it('createTrainer rejects it with a CheckpointError, leaking nothing', async () => {
    const parsed = parseCheckpoint(file);
    if (!parsed.ok) throw new Error(parsed.error);
    const before = tf.memory().numTensors;
    const wider = tinyMlp({ model: { hidden: [32] } });
    const attempt = createTrainer(wider, loadMnistNode(), { from: { checkpoint: parsed.value } });
    await expect(attempt).rejects.toBeInstanceOf(CheckpointError);
    await expect(attempt).rejects.toThrow(/^architecture differs: layer 1 is fc1/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('encoding', () => {
  it('stores integer-valued float tensors as floats (the cpu backend relabels int32 casts)', async () => {
    const cast = tf.cast(tf.tensor1d([-2, 1, 3], 'int32'), 'float32');
    const encoded = await encodeCheckpoint({ experiment: exp, stepsDone: 0 }, { codes: cast });
    const parsed = parseCheckpoint(encoded);
    if (!parsed.ok) throw new Error(parsed.error);
    const { codes } = decodeCheckpointTensors(parsed.value);
    expect(Array.from(codes.dataSync())).toEqual([-2, 1, 3]);
    tf.dispose([cast, codes]);
  });
});
