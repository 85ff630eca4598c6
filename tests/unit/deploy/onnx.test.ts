/**
 * The ONNX export, run by a runtime nobody here wrote: onnxruntime-node must give the lab's
 * answers for the MLP, the CNN and the depthwise CNN at W8A8 and W4A8 (QDQ) and as float models.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageBatch } from '../../../src/data/batches';
import { loadMnistNode } from '../../../src/data/node';
import { checkOnnxNode } from '../../../src/deploy/onnxCheckNode';
import { exportOnnx } from '../../../src/deploy/onnxExport';
import { type Experiment, experimentSchema } from '../../../src/experiment/schema';
import { initBackend } from '../../../src/tensor/backend';
import { createTrainer, type QuantTrainer } from '../../../src/train/trainer';
import { expectNoLeak } from '../../helpers/tf';

const data = loadMnistNode();
const COUNT = 1000;

function experiment(arch: 'mlp' | 'cnn' | 'dscnn', bits: number, act = bits === 32 ? 32 : 8): Experiment {
  return experimentSchema.parse({
    data: { trainSize: 1000, testSize: COUNT },
    model: { arch, hidden: [48], widthMultiplier: arch === 'mlp' ? 1 : 0.25 },
    quant: { weight: { bits }, act: { bits: act } },
    train: { steps: 40, batchSize: 32, evalEvery: 40 },
  });
}

describe('ONNX export checked in onnxruntime-node', () => {
  beforeAll(() => initBackend('wasm'));
  const trainers: QuantTrainer[] = [];
  afterAll(() => trainers.forEach((t) => t.dispose()));

  const cases = (['mlp', 'cnn', 'dscnn'] as const).flatMap((arch) =>
    [8, 4, 32].map((bits) => ({ arch, bits })),
  );
  for (const { arch, bits } of cases)
    it(`${arch} ${bits === 32 ? 'float' : `W${bits}A8 in QDQ form`}`, async () => {
      const exp = experiment(arch, bits);
      const t = (await createTrainer(exp, data)) as QuantTrainer;
      trainers.push(t);
      await t.run(exp.train.steps);
      const calib = imageBatch(
        data.train,
        Array.from({ length: 128 }, (_, i) => i),
      );
      const onnx = exportOnnx(t.model, exp, calib, bits === 32 ? 'float' : 'qdq');
      calib.dispose();
      expect(onnx.inputShape).toEqual(arch === 'mlp' ? ['N', 784] : ['N', 1, 28, 28]);
      const check = await checkOnnxNode(onnx, t.model, data.test, COUNT);
      expect(check.images).toBe(COUNT);
      expect(check.argmaxAgreement).toBeGreaterThanOrEqual(0.999);
      expect(Math.abs(check.testAccuracy - check.labTestAccuracy) * COUNT).toBeLessThanOrEqual(1);
      expect(check.agrees).toBe(true);
    });

  it('stores sub-8-bit weights as their codes in 8-bit containers: the 4-bit file is as large as the 8-bit one', async () => {
    const sizes: number[] = [];
    for (const bits of [8, 4]) {
      const exp = { ...experiment('mlp', bits), train: { ...experiment('mlp', bits).train, steps: 2 } };
      const t = (await createTrainer(exp, data)) as QuantTrainer;
      trainers.push(t);
      await t.run(2);
      const calib = imageBatch(data.train, [0, 1, 2, 3]);
      sizes.push(exportOnnx(t.model, exp, calib, 'qdq').bytes.length);
      calib.dispose();
    }
    expect(sizes[0]).toBe(sizes[1]);
  });

  it('leaves no tensors behind', async () => {
    const t = trainers[0]!;
    const calib = imageBatch(data.train, [0, 1, 2, 3]);
    await expectNoLeak(() => void exportOnnx(t.model, experiment('mlp', 8), calib, 'qdq'));
    calib.dispose();
  });
});
