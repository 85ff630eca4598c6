/**
 * MACs, ACE, ACEv2, BOPs and size of a tiny MLP and a tiny CNN against numbers computed by hand
 * from the table in src/cost/opCosts.ts (float = 32, accumulator = 32, mul = b_x·b_p, add = max).
 */
import { describe, expect, it } from 'vitest';
import { costOfExperiment } from '../../../src/cost';
import { experimentSchema, type ExperimentInput } from '../../../src/experiment/schema';

const exp = (input: ExperimentInput) => experimentSchema.parse(input);
// MLP 784 → 8 → 10, W4A4 (defaults: per-tensor weights, asymmetric activations).
const MLP: ExperimentInput = { model: { arch: 'mlp', hidden: [8] } };
// CNN with width 0.125: conv1 1→2 ch, conv2 2→4 ch (3×3, BN, ReLU, 2×2 max-pool), fc 196 → 10.
const CNN: ExperimentInput = { model: { arch: 'cnn', widthMultiplier: 0.125 } };

describe('tiny MLP, W4A4', () => {
  const r = costOfExperiment(exp(MLP));
  const [fc1, fc2] = r.layers;

  it('fc1: 784×8', () => {
    expect(fc1.macs).toBe(6272); // 784·8
    expect(fc1.ace).toBe(100352); // 6272·4·4
    expect(fc1.bops).toBe(100352); // HAWQ BOPs = ACE at float 32
    expect(fc1.acev2Breakdown).toEqual({
      mac: 100352,
      scale: 8192, // 8 outputs · (32-bit acc × 32-bit float scale = 1024)
      bias: 256, // 8 · max(32, 32)
      bn: 0,
      act: 32, // ReLU: 8 compares at the output bits 4 (fc2's input bits)
      pool: 0,
    });
    expect(fc1.acev2).toBe(108832); // 100352 + 8192 + 256 + 32
    // weights 6272·4 = 25088; bias 8·32 = 256; weight scale 32 + act scale 32 + act zero point 32 = 96
    expect(fc1.sizeBreakdown).toEqual({ weights: 25088, bias: 256, bn: 0, scales: 96 });
    expect(fc1.sizeBits).toBe(25440);
  });

  it('fc2: 8×10, float logits (no ReLU), where elementwise work dominates', () => {
    expect(fc2.macs).toBe(80);
    expect(fc2.ace).toBe(1280); // 80·16
    expect(fc2.outBits).toBe(32);
    expect(fc2.acev2).toBe(11840); // 1280 + 10·1024 (scale) + 10·32 (bias)
    expect(fc2.sizeBits).toBe(736); // 80·4 + 10·32 + 96
  });

  it('totals', () => {
    expect(r.total.macs).toBe(6352);
    expect(r.total.ace).toBe(101632);
    expect(r.total.bops).toBe(101632);
    expect(r.total.acev2).toBe(120672); // 108832 + 11840
    expect(r.total.sizeBits).toBe(26176);
    expect(r.total.opCounts).toEqual({ mac: 6352, scale: 18, bias: 18, bn: 0, act: 8, pool: 0 });
  });

  it('double quantization: each requantization multiply 32·32 → 32·8, 768 less per output', () => {
    const dq = costOfExperiment(exp({ ...MLP, quant: { doubleQuant: true } }));
    expect(r.total.acev2 - dq.total.acev2).toBe(13824); // 768 · (8 + 10 outputs)
    expect(dq.total.ace).toBe(r.total.ace); // ACE does not see it
    // Size: each per-tensor scale becomes 8 bits + one shared 32-bit factor: +8 bits per layer.
    expect(dq.total.sizeBits - r.total.sizeBits).toBe(16);
  });

  it('float MLP: no requantization; ACE priced at 32 (default) or 16 (AQT), BOPs stay at 32', () => {
    const f = exp({ ...MLP, quant: { weight: { bits: 32 }, act: { bits: 32 } } });
    const r32 = costOfExperiment(f);
    expect(r32.layers[0].ace).toBe(6422528); // 6272·32·32
    expect(r32.layers[0].acev2).toBe(6423040); // + bias 8·32 + ReLU 8·32, no scale op
    expect(r32.layers[0].sizeBits).toBe(6272 * 32 + 256); // no scales
    const r16 = costOfExperiment(f, { floatBits: 16 });
    expect(r16.layers[0].ace).toBe(1605632); // 6272·16·16
    expect(r16.layers[0].bops).toBe(6422528);
  });
});

describe('tiny CNN, W4A4', () => {
  const r = costOfExperiment(exp(CNN));
  const [conv1, conv2, fc] = r.layers;

  it('conv1: 28×28×1 → 3×3 → 2 ch, BN, ReLU, max-pool', () => {
    expect(conv1.macs).toBe(14112); // 28·28 · 3·3·1 · 2
    expect(conv1.ace).toBe(225792); // 14112·16
    // n_out = 28·28·2 = 1568 outputs before pooling
    expect(conv1.acev2Breakdown).toEqual({
      mac: 225792,
      scale: 1605632, // 1568 · 32·32
      bias: 0, // BN's shift replaces the bias
      bn: 1655808, // 1568 · (32·32 mul + max(32,32) add = 1056)
      act: 6272, // 1568 · 4
      pool: 4704, // 14·14·2 = 392 pooled outputs · 3 compares · 4 bits
    });
    expect(conv1.acev2).toBe(3498208);
    // weights 3·3·1·2 = 18 · 4 = 72; BN γ',β' 2·2·32 = 128; scales 96
    expect(conv1.sizeBits).toBe(296);
  });

  it('conv2: 14×14×2 → 4 ch', () => {
    expect(conv2.macs).toBe(14112); // 14·14 · 3·3·2 · 4
    // n_out = 14·14·4 = 784: scale 802816 + BN 827904 + ReLU 3136 + pool 7·7·4·12 = 2352
    expect(conv2.acev2).toBe(225792 + 802816 + 827904 + 3136 + 2352);
    expect(conv2.sizeBits).toBe(72 * 4 + 2 * 4 * 32 + 96);
  });

  it('fc: 196 → 10', () => {
    expect(fc.macs).toBe(1960);
    expect(fc.acev2).toBe(31360 + 10240 + 320);
    expect(fc.sizeBits).toBe(7840 + 320 + 96);
  });

  it('totals, with ACE = BOPs', () => {
    expect(r.total.macs).toBe(30184);
    expect(r.total.ace).toBe(482944);
    expect(r.total.bops).toBe(r.total.ace);
    expect(r.total.acev2).toBe(5402128);
    expect(r.total.sizeBits).toBe(9192);
  });

  it('QuantNorm: BN multiply 32·32 → 32·4, 896 less per BN output', () => {
    const qn = costOfExperiment(exp({ ...CNN, quant: { quantNorm: true } }));
    expect(r.total.acev2 - qn.total.acev2).toBe(2107392); // 896 · (1568 + 784)
    expect(qn.layers[0].bnBits).toBe(4);
    // BN storage: 2 params · (2 + 4 channels) · (32 − 4) bits saved
    expect(r.total.sizeBits - qn.total.sizeBits).toBe(2 * 6 * 28);
  });

  it('double quantization: 768 less per requantized output', () => {
    const dq = costOfExperiment(exp({ ...CNN, quant: { doubleQuant: true } }));
    expect(r.total.acev2 - dq.total.acev2).toBe(1814016); // 768 · (1568 + 784 + 10)
  });

  it('both together add up', () => {
    const both = costOfExperiment(exp({ ...CNN, quant: { quantNorm: true, doubleQuant: true } }));
    expect(r.total.acev2 - both.total.acev2).toBe(2107392 + 1814016);
  });
});

describe('other layer kinds', () => {
  it('global average pooling: (h·w − 1) adds + one multiply per channel on the accumulator', () => {
    // dscnn at width 0.125: pw3 sees 7×7×4 and outputs 8 channels, then global average pooling.
    const r = costOfExperiment(exp({ model: { arch: 'dscnn', widthMultiplier: 0.125 } }));
    const pw3 = r.layers.find((l) => l.name === 'pw3')!;
    expect(pw3.acev2Breakdown.pool).toBe(8 * (48 * 32 + 32 * 32)); // 20480
    expect(pw3.opCounts.pool).toBe(8 * 49);
    const dw2 = r.layers.find((l) => l.name === 'dw2')!;
    expect(dw2.macs).toBe(14 * 14 * 9 * 2); // depthwise: one 3×3 filter per channel
  });

  it('per-channel weight scales: one per output channel', () => {
    const pc = costOfExperiment(exp({ ...MLP, quant: { weight: { perChannel: true } } }));
    expect(pc.layers[0].sizeBreakdown.scales).toBe(8 * 32 + 64);
    const pcdq = costOfExperiment(
      exp({ ...MLP, quant: { weight: { perChannel: true }, doubleQuant: true } }),
    );
    expect(pcdq.layers[0].sizeBreakdown.scales).toBe(8 * 8 + 32 + 64);
  });
});
