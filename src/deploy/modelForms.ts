/**
 * The forms a trained model takes on its way to a device (docs/integer.md §5–§6), each with the
 * size of its weights packed at their bit widths. Pure (no tfjs): the app prices them on the main
 * thread, the runner beside an export.
 */
import { costOfExperiment } from '../cost/report';
import type { Experiment } from '../experiment/schema';

/** Float weights, fake quantization computed in float, the QDQ ONNX file, the integer-only model. */
export type ModelForm = 'float' | 'fakeQuant' | 'qdq' | 'integer';

/** What each form is, in a line. */
export const MODEL_FORM_LABELS: Record<ModelForm, string> = {
  float: 'float: the latent weights, no quantizers (32-bit)',
  fakeQuant: 'fake-quant in float: values on the integer grids, times their scales, computed in float32',
  qdq: 'QDQ (ONNX): integer weight codes in 8-bit containers, QuantizeLinear → DequantizeLinear around every input',
  integer: 'true integer: b-bit codes, int32 accumulators, dyadic requantization; float only in and out',
};

/** `exp` with every weight and activation at 32 bits (the float model's cost). */
export function floatExperiment(exp: Experiment): Experiment {
  return {
    ...exp,
    quant: {
      ...exp.quant,
      weight: { ...exp.quant.weight, bits: 32 },
      act: { ...exp.quant.act, bits: 32 },
      layers: {},
      firstLastBits8: false,
    },
  };
}

/** Bytes the weights take packed at their bit widths (the float form at 32 bits). */
export function packedBytes(exp: Experiment, form: ModelForm): number {
  const cost = costOfExperiment(form === 'float' ? floatExperiment(exp) : exp);
  return Math.ceil(cost.total.sizeBits / 8);
}
