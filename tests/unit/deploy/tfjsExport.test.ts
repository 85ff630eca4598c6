/**
 * The tfjs export: written to files in Node and loaded back by tfjs's own loader, it must give the
 * lab's logits, the float model's (latent weights) or the fake-quant model's with its activation
 * quantizers off (dequantized weights), for the MLP, the CNN and the depthwise CNN.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageBatch } from '../../../src/data/batches';
import { loadMnistNode } from '../../../src/data/node';
import { floatPass } from '../../../src/deploy/parityPasses';
import { buildTfjsModel, TFJS_WEIGHTS_FILE, tfjsFiles } from '../../../src/deploy/tfjsExport';
import { experimentSchema } from '../../../src/experiment/schema';
import type { ModelLayer, QuantModel } from '../../../src/models/build';
import { layerForward } from '../../../src/models/forward';
import { initBackend } from '../../../src/tensor/backend';
import { createTrainer, type QuantTrainer } from '../../../src/train/trainer';
import { expectNoLeak } from '../../helpers/tf';

const data = loadMnistNode();
const dir = mkdtempSync(join(tmpdir(), 'quant-lab-tfjs-'));

/** A load handler over the two files, as tf.io.http reads them from a server. */
function fileHandler(folder: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const bytes = readFileSync(join(folder, manifest[0]!.paths[0]!));
        const weights = manifest.flatMap((g) => g.weights);
        return [weights, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
      });
    },
  };
}

/** The lab's logits with every activation quantizer off (weights still fake-quantized). */
function weightQuantLogits(model: QuantModel, images: tf.Tensor2D): Float32Array {
  return tf.tidy(() => {
    const first = model.layers[0]!.spec;
    let h: tf.Tensor =
      first.inShape.length === 1 ? images : tf.reshape(images, [images.shape[0], ...first.inShape]);
    model.layers.forEach((layer, i) => {
      const off: ModelLayer = {
        ...layer,
        quantizers: { ...layer.quantizers, act: { ...layer.quantizers.act, apply: (x) => x } },
      };
      h = layerForward(model, off, h, { training: false, recordClip: false }, i === 0);
    });
    return h.dataSync() as Float32Array;
  });
}

describe('tfjs export', () => {
  beforeAll(() => initBackend('wasm'));
  const trainers: QuantTrainer[] = [];
  afterAll(() => {
    trainers.forEach((t) => t.dispose());
    rmSync(dir, { recursive: true, force: true });
  });

  for (const arch of ['mlp', 'cnn', 'dscnn'] as const)
    it(`${arch} W4A8: float and dequantized-weight exports load back with the lab's logits`, async () => {
      const exp = experimentSchema.parse({
        data: { trainSize: 1000, testSize: 200 },
        model: { arch, hidden: [48], widthMultiplier: arch === 'mlp' ? 1 : 0.25 },
        quant: { weight: { bits: 4 }, act: { bits: 8 } },
        train: { steps: 20, batchSize: 32, evalEvery: 20 },
      });
      const t = (await createTrainer(exp, data)) as QuantTrainer;
      trainers.push(t);
      await t.run(exp.train.steps);
      const images = imageBatch(
        data.test,
        Array.from({ length: 64 }, (_, i) => i),
      );
      const expected = {
        float: floatPass(t.model, images).logits,
        weights: weightQuantLogits(t.model, images),
      };
      for (const form of ['float', 'weights'] as const) {
        const folder = join(dir, `${arch}-${form}`);
        await expectNoLeak(async () => {
          const seq = buildTfjsModel(t.model, form);
          const files = await tfjsFiles(seq);
          seq.dispose();
          rmSync(folder, { recursive: true, force: true });
          mkdirSync(folder, { recursive: true });
          writeFileSync(join(folder, 'model.json'), files.modelJson);
          writeFileSync(join(folder, TFJS_WEIGHTS_FILE), files.weights);
        });
        const loaded = await tf.loadLayersModel(fileHandler(folder));
        const meta = loaded.getUserDefinedMetadata() as { quantLab: { form: string; activations: string } };
        expect(meta.quantLab).toMatchObject({ form, activations: 'unquantized' });
        const logits = tf.tidy(() => (loaded.predict(images) as tf.Tensor).dataSync());
        loaded.dispose();
        const ref = expected[form];
        expect(logits.length).toBe(ref.length);
        let worst = 0;
        for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(logits[i]! - ref[i]!));
        expect(worst).toBeLessThanOrEqual(1e-5);
      }
      // The two forms differ: the quantized weights are not the latent ones.
      expect(expected.float.some((v, i) => Math.abs(v - expected.weights[i]!) > 1e-3)).toBe(true);
      images.dispose();
    });
});
