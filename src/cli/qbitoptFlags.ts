/**
 * `run`'s flags of bits learned during QAT (docs/mixed.md §7), and their reading into the options
 * of src/mixed/qbitopt.ts. Pure: no file or process I/O here.
 */
import { QBITOPT_DEFAULTS as EXPERIMENT_QBITOPT } from '../experiment/schema';
import type { ActBitsMode } from '../mixed/allocate';
import type { BudgetAxis } from '../mixed/allocation';
import type { QBitOptOptions } from '../mixed/qbitopt';
import type { RunnerFlagDef, RunnerOptions } from './flags';

/** The runner options these flags set. */
export interface QBitOptRunnerOptions {
  /** Learn per-layer bits during QAT (`--qbitopt`). */
  qbitopt?: boolean;
  budgetBops?: number;
  budgetSize?: number;
  budgetAcev2?: number;
  qbitoptBits?: number[];
  qbitoptEvery?: number;
  qbitoptProbes?: number;
  qbitoptBatch?: number;
  qbitoptFreeze?: number;
  qbitoptMomentum?: number;
}

/**
 * The defaults: re-allocate every 100 steps from 8 probes on 128 images, traces averaged with
 * momentum 0.5 (2 probes on 32 images flipped the MLP's bits, docs/mixed.md §7), bits fixed for
 * the last 20% of the steps, HAWQ's tied activation bits.
 */
export const QBITOPT_DEFAULTS = {
  bits: EXPERIMENT_QBITOPT.bits,
  actBits: 'tied' as ActBitsMode,
  every: EXPERIMENT_QBITOPT.every,
  probes: EXPERIMENT_QBITOPT.probes,
  batchSize: EXPERIMENT_QBITOPT.batch,
  freeze: EXPERIMENT_QBITOPT.freeze,
  momentum: EXPERIMENT_QBITOPT.momentum,
};

const D = QBITOPT_DEFAULTS;

/** `run`'s QBitOpt flags. Order = order in --help. */
export const QBITOPT_FLAGS: readonly RunnerFlagDef[] = [
  {
    name: 'qbitopt',
    option: 'qbitopt',
    kind: 'bool',
    help: 're-allocate per-layer bits under the budget every K steps of QAT (HAWQ sensitivities, ILP)',
  },
  {
    name: 'budget-bops',
    option: 'budgetBops',
    kind: 'number',
    metavar: 'B',
    help: 'budget: BOPs per sample',
  },
  {
    name: 'budget-size',
    option: 'budgetSize',
    kind: 'number',
    metavar: 'BYTES',
    help: 'budget: model size in bytes',
  },
  {
    name: 'budget-acev2',
    option: 'budgetAcev2',
    kind: 'number',
    metavar: 'X',
    help: 'budget: ACEv2 per sample',
  },
  {
    name: 'qbitopt-bits',
    option: 'qbitoptBits',
    kind: 'list',
    metavar: 'N,N',
    help: 'candidate bitwidths (activations tied)',
    default: D.bits.join(','),
  },
  {
    name: 'qbitopt-every',
    option: 'qbitoptEvery',
    kind: 'int',
    metavar: 'K',
    help: 'steps between re-allocations',
    default: `${D.every}`,
  },
  {
    name: 'qbitopt-probes',
    option: 'qbitoptProbes',
    kind: 'int',
    metavar: 'N',
    help: 'Hutchinson probes per re-estimation',
    default: `${D.probes}`,
  },
  {
    name: 'qbitopt-batch',
    option: 'qbitoptBatch',
    kind: 'int',
    metavar: 'N',
    help: 'training images per re-estimation',
    default: `${D.batchSize}`,
  },
  {
    name: 'qbitopt-freeze',
    option: 'qbitoptFreeze',
    kind: 'number',
    metavar: 'F',
    help: 'share of the steps at the end with the bits fixed',
    default: `${D.freeze}`,
  },
  {
    name: 'qbitopt-momentum',
    option: 'qbitoptMomentum',
    kind: 'number',
    metavar: 'm',
    help: "EMA momentum of each layer's trace across re-estimations (0: none)",
    default: `${D.momentum}`,
  },
];

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The QBitOpt options the runner options ask for: undefined without --qbitopt (then no QBitOpt
 * flag may be given), or an error naming the flag.
 */
export function qbitoptOptions(o: RunnerOptions, seed: number): Parsed<QBitOptOptions | undefined> {
  const budgets: [BudgetAxis, number | undefined][] = [
    ['bops', o.budgetBops],
    ['size', o.budgetSize],
    ['acev2', o.budgetAcev2],
  ];
  const given = budgets.filter(([, v]) => v !== undefined);
  if (!o.qbitopt) {
    const stray = QBITOPT_FLAGS.find((f) => f.name !== 'qbitopt' && o[f.option] !== undefined);
    return stray ? { ok: false, error: `--${stray.name} needs --qbitopt` } : { ok: true, value: undefined };
  }
  if (given.length !== 1)
    return {
      ok: false,
      error: '--qbitopt needs exactly one of --budget-bops, --budget-size, --budget-acev2',
    };
  const [axis, budget] = given[0] as [BudgetAxis, number];
  if (!(budget > 0)) return { ok: false, error: `--budget-${axis} must be positive` };
  const bits = o.qbitoptBits ?? D.bits;
  if (!bits.length || bits.some((b) => !Number.isInteger(b) || b < 2 || b > 8))
    return { ok: false, error: '--qbitopt-bits: bitwidths are 2–8' };
  const every = o.qbitoptEvery ?? D.every;
  if (!(every >= 1)) return { ok: false, error: '--qbitopt-every must be at least 1' };
  const probes = o.qbitoptProbes ?? D.probes;
  if (!(probes >= 1)) return { ok: false, error: '--qbitopt-probes must be at least 1' };
  const batchSize = o.qbitoptBatch ?? D.batchSize;
  if (!(batchSize >= 1)) return { ok: false, error: '--qbitopt-batch must be at least 1' };
  const freeze = o.qbitoptFreeze ?? D.freeze;
  if (!(freeze >= 0 && freeze < 1)) return { ok: false, error: '--qbitopt-freeze must be in [0, 1)' };
  const momentum = o.qbitoptMomentum ?? D.momentum;
  if (!(momentum >= 0 && momentum < 1)) return { ok: false, error: '--qbitopt-momentum must be in [0, 1)' };
  return {
    ok: true,
    value: { axis, budget, bits, actBits: D.actBits, every, probes, batchSize, freeze, momentum, seed },
  };
}
