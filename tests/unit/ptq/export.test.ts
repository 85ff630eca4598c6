/** A post-training model as a QuantModel: the same logits, and a checkpoint that loads back. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeCheckpoint,
  modelFromCheckpoint,
  modelState,
  parseCheckpointText,
  serializeCheckpoint,
} from '../../../src/checkpoint';
import { experimentSchema } from '../../../src/experiment/schema';
import { forward } from '../../../src/models/forward';
import { quantModelOf } from '../../../src/ptq/export';
import { networkInput, ptqForward } from '../../../src/ptq/inference';
import { quantizePostTraining } from '../../../src/ptq/pipeline';
import { useCpuBackend } from '../../helpers/tf';
import { disposeLayers, randomImages, randomLayers } from './floatNet';

beforeAll(useCpuBackend);

describe('quantModelOf', () => {
  it('computes what the post-training graph computes, and survives a checkpoint', async () => {
    const layers = randomLayers('dscnn');
    const calib = randomImages(16);
    const exp = experimentSchema.parse({
      model: { arch: 'dscnn', widthMultiplier: 0.25 },
      quant: { weight: { bits: 4, perChannel: true }, act: { bits: 8, range: 'minmax' } },
    });
    const { model: ptq } = quantizePostTraining(layers, exp, calib, {
      cle: true,
      biasCorrection: 'empirical',
    });
    const model = quantModelOf(ptq, exp);
    expect(model.layers.every((l) => l.bias && !l.bn)).toBe(true);
    const want = tf.tidy(() => ptqForward(ptq.layers, networkInput(ptq.layers, calib), ptq.quant));
    const got = tf.tidy(() => forward(model, calib, { training: false }));
    const err = tf.tidy(() => got.sub(want).abs().max().div(want.abs().max()).dataSync()[0]!);
    expect(err).toBeLessThan(1e-4);

    const file = await encodeCheckpoint(
      { experiment: { ...exp, model: { ...exp.model, foldBatchNorm: true } }, stepsDone: 0 },
      modelState(model),
    );
    const parsed = parseCheckpointText(serializeCheckpoint(file));
    if (!parsed.ok) throw new Error(parsed.error);
    const back = modelFromCheckpoint(parsed.value);
    if (!back.ok) throw new Error(back.error);
    const again = tf.tidy(() => forward(back.model, calib, { training: false }));
    expect(Array.from(again.dataSync())).toEqual(Array.from(got.dataSync()));
    tf.dispose([want, got, again, calib]);
    back.model.dispose();
    model.dispose();
    ptq.dispose();
    disposeLayers(layers);
  });
});
