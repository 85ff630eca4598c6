/**
 * Dense (fully connected) layer: y = x̂ ŵ, x [N, inD], w [inD, outD].
 * MACs inD·outD; per-channel quantization along outD (the last axis).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LayerKindDef } from './types';

export const DENSE: LayerKindDef = {
  input: 'vector',
  shape: (inShape, _kernel, outChannels) => {
    const inD = inShape.reduce((a, b) => a * b, 1);
    return { weightShape: [inD, outChannels], macs: inD * outChannels, outShape: [outChannels] };
  },
  fanIn: (spec) => spec.weightShape[0],
  fanOut: (spec) => spec.weightShape[1],
  weightChannelAxis: (spec) => spec.weightShape.length - 1,
  prePoolElements: (spec) => spec.outChannels,
  op: (x, w, inputGrad, ops) => ops.matMul(x as tfjs.Tensor2D, w as tfjs.Tensor2D, inputGrad),
  macsFormula: (spec) => {
    const [inD, outD] = spec.weightShape;
    return { formula: 'd_in·d_out', filled: `${inD}·${outD} = ${spec.macs}` };
  },
};
