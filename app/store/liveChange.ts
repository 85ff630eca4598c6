/**
 * What a config change means for a live run (pure): a change of model, data, seed or twin needs a
 * fresh trainer (a visible reset); anything else is offered to `trainer.update`, which has the last
 * word (it may still refuse), and is marked on the charts with a short label.
 */
import type { Experiment } from '../../src/experiment/schema';

/** Which reset-only sections differ (empty: the change can be applied live); the trainer's own rule. */
export { resetReasons } from '../../src/train/update';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const bitsLabel = (b: number): string => (b >= 32 ? 'float' : `${b}`);

function estimatorLabel(e: Experiment['estimator']): string {
  return e.param === undefined ? e.name : `${e.name}(${e.param})`;
}

/** Short labels for the live-changeable fields that differ, e.g. `estimator → tanh(4)`, `lr → 0.01`. */
export function describeChange(prev: Experiment, next: Experiment): string[] {
  const out: string[] = [];
  if (!same(prev.estimator, next.estimator)) out.push(`estimator → ${estimatorLabel(next.estimator)}`);
  if (prev.train.lr !== next.train.lr) out.push(`lr → ${next.train.lr}`);
  if (prev.train.optimizer !== next.train.optimizer) out.push(`optimizer → ${next.train.optimizer}`);
  if (prev.train.schedule !== next.train.schedule) out.push(`schedule → ${next.train.schedule}`);
  if (prev.oscillation.dampening !== next.oscillation.dampening)
    out.push(`λ → ${next.oscillation.dampening}`);
  if (prev.oscillation.freezeThreshold !== next.oscillation.freezeThreshold)
    out.push(`freeze → ${next.oscillation.freezeThreshold}`);
  if (prev.quant.weight.bits !== next.quant.weight.bits)
    out.push(`W bits → ${bitsLabel(next.quant.weight.bits)}`);
  if (prev.quant.act.bits !== next.quant.act.bits) out.push(`A bits → ${bitsLabel(next.quant.act.bits)}`);
  if (prev.quant.firstLastBits8 !== next.quant.firstLastBits8)
    out.push(`first/last 8-bit ${next.quant.firstLastBits8 ? 'on' : 'off'}`);
  if (!same(prev.quant.layers, next.quant.layers)) out.push('per-layer bits');
  if (!same({ ...prev.quant.weight, bits: 0 }, { ...next.quant.weight, bits: 0 }))
    out.push('weight quantizer');
  if (!same({ ...prev.quant.act, bits: 0 }, { ...next.quant.act, bits: 0 })) out.push('activation quantizer');
  if (prev.quant.quantNorm !== next.quant.quantNorm || prev.quant.doubleQuant !== next.quant.doubleQuant)
    out.push('norm/scale quantization');
  if (!same(prev.bn, next.bn)) out.push(`BN re-estimation ${next.bn.reestimate ? 'on' : 'off'}`);
  const trainRest = (e: Experiment) => ({ ...e.train, lr: 0, optimizer: '', schedule: '' });
  if (!same(trainRest(prev), trainRest(next))) out.push('training settings');
  const oscRest = (e: Experiment) => ({ ...e.oscillation, dampening: 0, freezeThreshold: 0 });
  if (!same(oscRest(prev), oscRest(next))) out.push('oscillation tracking');
  return out;
}
