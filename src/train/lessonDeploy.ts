/**
 * A deploy lesson's measurement of one trained model (docs/integer.md §8): the parity table on the
 * lesson's test digits, summarized to what its claim reads. Runner only (onnxruntime-node).
 */
import type { MnistData } from '../data/mnist';
import type { LessonDeploy, LessonDeployResult } from '../experiment/claims';
import { measureParity } from '../deploy/parityNode';
import { QuantTrainer } from './trainer';
import type { Trainer } from './types';

/** The integer model and the onnxruntime export of `trainer`'s model against its fake quantization. */
export async function measureLessonDeploy(
  trainer: Trainer,
  deploy: LessonDeploy,
  data: MnistData,
): Promise<LessonDeployResult> {
  if (!(trainer instanceof QuantTrainer)) throw new Error('a deploy measurement reads one model, not twins');
  const r = await measureParity(trainer.model, trainer.experiment, data, { count: deploy.images });
  return {
    images: r.images,
    accuracy: r.accuracy,
    argmaxAgreement: { integer: r.argmaxAgreement.integer, onnx: r.argmaxAgreement.onnx },
    codesMoved: Math.max(...r.layers.map((l) => l.codesMoved.integer ?? 0)),
    codesMovedBiasFrac8: Math.max(...r.layers.map((l) => l.causes.codesMovedBiasFrac8)),
    final: true,
  };
}
