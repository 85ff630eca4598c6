/**
 * THE table of per-operation costs behind ACE, ACEv2 and BOPs (docs/science.md §3, §4, §8).
 *
 * Every bitwidth convention and every "which scalar ops does a BN / ReLU / pool / requantization
 * cost" decision lives here, so a correction (e.g. once the PikeLPN paper's ACEv2 equation is
 * verified) is a one-file change; which ops each elementwise term performs, and on how many
 * elements, is the term registry's (terms.ts). The rest of src/cost only sums.
 *
 * Unit of every cost: "ACE units" = bit-products. One b_x-bit × b_p-bit multiply costs b_x·b_p
 * (PokeBNN's ACE, quadratic in the operand widths); one add or compare costs max(b_x, b_p).
 * All costs are per sample (one image through the network).
 */

/**
 * Width in bits that an unquantized (float) operand is priced at. The lab trains in FP32 and the
 * schema spells "float" as 32, so we price float as 32. AQT's `estimate_compute_cost` prices
 * unquantized layers as bf16 = 16 instead (docs/science.md §4); pass `floatBits: 16` in CostOptions to
 * reproduce that convention (ACE and ACEv2 only; BOPs always follow HAWQ's 32).
 */
export const FLOAT_COST_BITS = 32;

/**
 * Width of the MAC accumulator and of everything computed on it before requantization (scale
 * multiply, bias add, BN). 32: int32 accumulators for integer MACs (HAWQ-V3's dyadic pipeline,
 * TFLite), FP32 for float layers. Narrow weights do not narrow this operand, which is exactly why
 * elementwise ops dominate low-bit networks (PikeLPN's point).
 */
export const ACC_BITS = 32;

/** Bias width: added to the accumulator, stored as int32 (quantized) or FP32 (float). */
export const BIAS_BITS = 32;

/**
 * Width of per-channel quantization scales under double quantization (schema `quant.doubleQuant`).
 * The scale s_c becomes m_c·S with an 8-bit integer m_c and one shared float S per tensor. S costs
 * no extra op: BN, bias add, ReLU and max-pool are all positively homogeneous or affine per channel,
 * so S folds into the next multiplication (the BN scale, the bias, or the next requantization).
 */
export const DOUBLE_QUANT_SCALE_BITS = 8;

/** Width of a per-tensor activation scale and of an activation zero point (stored as float/int32). */
export const ACT_QUANT_PARAM_BITS = 32;

/** Folded BN parameters stored per output channel at inference: γ' = γ/√(σ²+ε) and β' = β − γ'μ. */
export const BN_PARAMS_PER_CHANNEL = 2;

/** Scalar operation kinds, priced by {@link OP_COST}. */
export type OpName = 'mac' | 'mul' | 'add' | 'cmp';

/**
 * Cost of one scalar op on operands of `x` and `p` bits (ACE units).
 * mac/mul: quadratic b_x·b_p (PokeBNN ACE); add/cmp: linear max(b_x, b_p) (docs/science.md §3 placeholder).
 */
export const OP_COST: Record<OpName, (x: number, p: number) => number> = {
  mac: (x, p) => x * p,
  mul: (x, p) => x * p,
  add: (x, p) => Math.max(x, p),
  // A compare (ReLU, max-pool) is an adder in hardware: priced like an add.
  cmp: (x, p) => Math.max(x, p),
};

/** One scalar op of an elementwise kind, repeated `times` per counted element. */
export interface ScalarOp {
  op: OpName;
  /** Data operand width in bits. */
  x: number;
  /** Parameter (or second operand) width in bits. */
  p: number;
  times: number;
}

/** Operand widths of one layer, already resolved (float = the float cost width). */
export interface OperandBits {
  /** Width of this layer's output activations: the next layer's input bits (float after the last). */
  out: number;
  /** Width of the BN parameters γ', β': float, or the weight bits with QuantNorm. */
  bn: number;
  /** Width of the combined requantization scale s_w·s_a/s_out: float, or 8 with double quantization. */
  scale: number;
}

/** Cost (ACE units) and scalar-op count of `ops` performed once. */
export function priceOps(ops: ScalarOp[]): { cost: number; count: number } {
  let cost = 0;
  let count = 0;
  for (const o of ops) {
    cost += o.times * OP_COST[o.op](o.x, o.p);
    count += o.times;
  }
  return { cost, count };
}

/**
 * ACEv2 as the lab implements it: OUR version, not the PikeLPN paper's (unverified, docs/science.md §3).
 * Shown verbatim in the README and in the UI's tooltip.
 */
export const ACEV2_FORMULA = [
  "ACEv2 (lab's version; PikeLPN's exact equation is unverified) = Σ_layers [",
  '  MACs·b_w·b_a                                 (MAC term = ACE)',
  `  + n_out·${ACC_BITS}·b_s                               (requantization: accumulator × scale; b_s = ${FLOAT_COST_BITS}, or ${DOUBLE_QUANT_SCALE_BITS} with double quantization)`,
  `  + n_out·${BIAS_BITS}                                   (bias add on the accumulator, layers with a bias)`,
  `  + n_out·(${ACC_BITS}·b_bn + max(${ACC_BITS}, b_bn))            (BN multiply + add; b_bn = ${FLOAT_COST_BITS}, or b_w with QuantNorm)`,
  '  + n_out·b_out                                (ReLU compare at the output activation bits)',
  `  + pooling: 3·b_out per 2×2 max-pool output; (h·w−1)·${ACC_BITS} + ${ACC_BITS}·${ACC_BITS} per channel for global average ]`,
  `Float operands count as ${FLOAT_COST_BITS} bits; n_out = output elements of the conv/dense per sample (before pooling);`,
  'multiply = b_x·b_p, add or compare = max(b_x, b_p).',
].join('\n');

/** One-line version for tooltips. */
export const ACEV2_SHORT = `ACEv2 (lab's version, unverified against PikeLPN): MACs·b_w·b_a + per output element: scale ${ACC_BITS}·b_s + bias ${BIAS_BITS} + BN ${ACC_BITS}·b_bn+${ACC_BITS} + ReLU b_out (+ pooling); float = ${FLOAT_COST_BITS} bits.`;
