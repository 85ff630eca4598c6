/**
 * Bits learned during QAT, in the lab's formulation (docs/mixed.md §7): every K steps the
 * per-layer sensitivities Ω_l(b) are re-estimated on the model being trained (Hutchinson traces
 * from a few probes on a small batch), the budgeted ILP (./ilp.ts) is solved again, and the bits
 * it picks are applied by a live change (`trainer.update`, which rebuilds the quantizers of a
 * changed experiment). In the last share of the steps the bits stay fixed, so the trained network
 * is the one that meets the budget.
 */
import type { MnistData } from '../data/mnist';
import type { QBitOptSummary } from '../experiment/result';
import type { Experiment, QBitOptConfig } from '../experiment/schema';
import type { Highs } from 'highs';
import type { RunSteering } from '../train/run';
import { QuantTrainer } from '../train/trainer';
import type { RunResult, Trainer } from '../train/types';
import {
  allocateMixed,
  buildProblem,
  layerCandidates,
  type ActBitsMode,
  type MixedOptions,
} from './allocate';
import { allocationCost, withAllocation, type Allocation, type BudgetAxis } from './allocation';
import { InfeasibleBudgetError, loadSolver, minimumCost } from './ilp';
import { hessianTraces, layerSensitivities, type LayerTrace, type LayerTraceFn } from './sensitivity';

/** What `run --qbitopt` allocates, and how often. */
export interface QBitOptOptions {
  axis: BudgetAxis;
  /** In the axis's units: BOPs per sample, bytes, ACEv2 per sample. */
  budget: number;
  /** Candidate weight bitwidths (2–8). */
  bits: number[];
  actBits: ActBitsMode;
  /** Steps between re-allocations (K). */
  every: number;
  /** Hutchinson probes per re-estimation. */
  probes: number;
  /** Training images of each re-estimation's loss. */
  batchSize: number;
  /**
   * EMA momentum of each layer's trace across re-estimations, in [0, 1): 0 uses each estimate
   * alone; larger values average the few-probe estimates of earlier steps in (bias-corrected).
   */
  momentum: number;
  /** Share of the steps at the end with the bits fixed, in [0, 1). */
  freeze: number;
  /** Seed of the probes; each re-estimation draws its batch with (seed, step). */
  seed: number;
}

/** The options of the experiment's `qbitopt` (its seed seeds the probes); undefined without one. */
export function qbitoptOptionsOf(exp: Experiment): QBitOptOptions | undefined {
  const q = exp.qbitopt;
  if (!q) return undefined;
  const { axis, budget, bits, every, probes, batch, freeze, momentum } = q;
  return {
    axis,
    budget,
    bits,
    actBits: 'tied',
    every,
    probes,
    batchSize: batch,
    freeze,
    momentum,
    seed: exp.seed,
  };
}

/** The experiment's `qbitopt` for options (the form a link and a result file carry). */
export function qbitoptConfigOf(o: QBitOptOptions): QBitOptConfig {
  const { axis, budget, bits, every, probes, batchSize, freeze, momentum } = o;
  return { axis, budget, bits, every, probes, batch: batchSize, freeze, momentum };
}

/** The first step of the frozen tail: no re-allocation takes effect at or after it. */
export function freezeStep(exp: Experiment, freeze: number): number {
  return Math.floor(exp.train.steps * (1 - freeze));
}

/** The ILP options of a QBitOpt run (no random baselines). */
function mixedOptions(o: QBitOptOptions): MixedOptions {
  return { bits: o.bits, actBits: o.actBits, axis: o.axis, budget: o.budget, randomCount: 0, seed: o.seed };
}

/**
 * Throws {@link InfeasibleBudgetError} (naming the smallest achievable budget) when no allocation
 * of the candidates fits the budget: checked before training starts. Pure: costs only.
 */
export function checkBudget(exp: Experiment, o: QBitOptOptions): void {
  const options = mixedOptions(o);
  const candidates = layerCandidates(exp, options);
  const zero = candidates.map((cands) => ({
    name: cands[0].name,
    omega: Object.fromEntries(cands.map((c) => [c.weightBits, 0])),
  }));
  const minimum = minimumCost(buildProblem(exp, candidates, zero, options));
  if (minimum > o.budget) throw new InfeasibleBudgetError(o.budget, minimum);
}

/**
 * Bias-corrected EMAs of the layers' traces: after n estimates t_1…t_n the trace is
 * Σ m^(n−i)(1−m)·t_i / Σ m^(n−i)(1−m), so the first estimate is used as it is.
 */
export function traceSmoother(momentum: number): (traces: LayerTrace[]) => LayerTrace[] {
  const sums = new Map<string, { value: number; weight: number }>();
  return (traces) =>
    traces.map((t) => {
      const prev = sums.get(t.name) ?? { value: 0, weight: 0 };
      const next = {
        value: momentum * prev.value + (1 - momentum) * t.trace,
        weight: momentum * prev.weight + (1 - momentum),
      };
      sums.set(t.name, next);
      return { ...t, trace: next.value / next.weight };
    });
}

/** The allocation's cost on the budget axis must fit: a broken promise fails loudly. */
function assertWithinBudget(a: Pick<Allocation, 'cost'>, o: QBitOptOptions, what: string): void {
  const cost = a.cost[o.axis];
  if (!(cost <= o.budget))
    throw new Error(`qbitopt: the ${what} allocation costs ${cost} ${o.axis}, over the budget ${o.budget}`);
}

/**
 * The steering of a QBitOpt run ({@link RunSteering}): allocates at the start step, then at every
 * multiple of `every` before the frozen tail. `traceFn` defaults to the Hessian analysis's traces,
 * `solver` to HiGHS as Node finds it (a browser worker passes its own copy's loader).
 */
export function qbitoptSteering(
  data: MnistData,
  o: QBitOptOptions,
  traceFn: LayerTraceFn = hessianTraces,
  solver: () => Promise<Highs> = loadSolver,
): RunSteering & { summary(): QBitOptSummary } {
  const history: QBitOptSummary['history'] = [];
  let last: Allocation | undefined;
  let frozenFrom = Infinity;
  const smooth = traceSmoother(o.momentum);
  const summary = (): QBitOptSummary => {
    if (!last) throw new Error('qbitopt: no allocation was made');
    return {
      budget: { axis: o.axis, value: o.budget },
      every: o.every,
      freezeStep: frozenFrom,
      history: [...history],
      final: { layers: last.layers, cost: last.cost },
    };
  };
  return {
    nextStop(stepsDone) {
      const next = (Math.floor(stepsDone / o.every) + 1) * o.every;
      return next < frozenFrom ? next : Infinity;
    },
    async steer(trainer: Trainer) {
      if (!(trainer instanceof QuantTrainer))
        throw new Error('qbitopt needs a single model (not a twin run)');
      const exp = trainer.experiment;
      frozenFrom = freezeStep(exp, o.freeze);
      const step = trainer.stepsDone;
      const raw = await traceFn(trainer.model, data.train, {
        probes: o.probes,
        batchSize: o.batchSize,
        seed: o.seed,
        batchSeed: o.seed * 1_000_003 + step,
      });
      const sensitivity = layerSensitivities(trainer.model, exp, smooth(raw), o.bits);
      const { layers, cost, objective } = allocateMixed(await solver(), exp, sensitivity, mixedOptions(o));
      assertWithinBudget({ cost }, o, `step-${step}`);
      if (!trainer.update(withAllocation(exp, layers)))
        throw new Error(`qbitopt: the trainer refused the bits of step ${step}`);
      last = { layers, cost, objective };
      history.push({ step, layers, cost, objective });
    },
    finish(result: RunResult) {
      const s = summary();
      // Priced on the trained experiment itself, not on what the last solve reported.
      const final = { layers: s.final.layers, cost: allocationCost(result.experiment, s.final.layers) };
      assertWithinBudget(final, o, 'final');
      result.qbitopt = { ...s, final };
    },
    summary,
  };
}
