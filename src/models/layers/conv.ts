/**
 * Convolution, stride 1, 'same' padding: x [N, H, W, C_in], w [k, k, C_in, C_out] (1×1 for the
 * pointwise half of a depthwise-separable block). MACs H·W·k·k·C_in·C_out; per-channel
 * quantization along C_out (the last axis).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LayerKindDef } from './types';

export const CONV: LayerKindDef = {
  input: 'image',
  shape: ([h, w, c], k, outChannels) => ({
    weightShape: [k, k, c, outChannels],
    macs: h * w * k * k * c * outChannels,
    outShape: [h, w, outChannels],
  }),
  fanIn: ({ weightShape: [kh, kw, c] }) => kh * kw * c,
  fanOut: ({ weightShape: [kh, kw], outChannels }) => kh * kw * outChannels,
  weightChannelAxis: (spec) => spec.weightShape.length - 1,
  prePoolElements: (spec) => spec.inShape[0] * spec.inShape[1] * spec.outChannels,
  op: (x, w, inputGrad, ops) => ops.conv2d(x as tfjs.Tensor4D, w as tfjs.Tensor4D, inputGrad),
  macsFormula: (spec) => {
    const [h, w, c] = spec.inShape;
    const k = spec.kernel;
    return {
      formula: 'H·W·k·k·C_in·C_out',
      filled: `${h}·${w}·${k}·${k}·${c}·${spec.outChannels} = ${spec.macs}`,
    };
  },
};
