/**
 * Depthwise convolution, stride 1, 'same' padding: one k×k filter per channel, x [N, H, W, C],
 * w [k, k, C, 1], output channels = C. MACs H·W·k·k·C; per-channel quantization along axis 2
 * (the channel), fan-in and fan-out k·k (one input channel per output channel).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LayerKindDef } from './types';

export const DEPTHWISE: LayerKindDef = {
  input: 'image',
  shape: ([h, w, c], k, outChannels) => ({
    weightShape: [k, k, c, 1],
    macs: h * w * k * k * c,
    outShape: [h, w, outChannels],
  }),
  fanIn: ({ weightShape: [kh, kw] }) => kh * kw,
  fanOut: ({ weightShape: [kh, kw] }) => kh * kw,
  weightChannelAxis: () => 2,
  prePoolElements: (spec) => spec.inShape[0] * spec.inShape[1] * spec.outChannels,
  op: (x, w, inputGrad, ops) => ops.depthwiseConv2d(x as tfjs.Tensor4D, w as tfjs.Tensor4D, inputGrad),
  macsFormula: (spec) => {
    const [h, w, c] = spec.inShape;
    const k = spec.kernel;
    return { formula: 'H·W·k·k·C (depthwise)', filled: `${h}·${w}·${k}·${k}·${c} = ${spec.macs}` };
  },
};
