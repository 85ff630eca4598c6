/**
 * `quant-lab mixed --from CKPT`: HAWQ-V3's budgeted mixed precision (docs/mixed.md). Per-layer
 * sensitivities from Hessian traces, one bitwidth per layer by an ILP under a BOPs, size or ACEv2
 * budget, beside the uniform and random allocations at the same budget; optionally each one
 * QAT-trained from the checkpoint for a few steps.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { modelFromCheckpoint, type Checkpoint } from '../checkpoint';
import { readCheckpointFile } from '../checkpoint/node';
import type { MnistData } from '../data/mnist';
import { loadMnistNode } from '../data/node';
import { allocateMixed, type MixedOptions } from '../mixed/allocate';
import { withAllocation, type Allocation, type BudgetAxis } from '../mixed/allocation';
import { InfeasibleBudgetError, loadSolver } from '../mixed/ilp';
import {
  hessianTraces,
  layerSensitivities,
  parseLayerTraces,
  type LayerTrace,
  type LayerTraceFn,
} from '../mixed/sensitivity';
import { initBackend } from '../tensor/backend';
import { runExperiment } from '../train/run';
import { commandHelp, type CommandSpec, type FlagDef, usageError } from './args';
import { parseArgs, RUNNER_FLAGS } from './flags';

const MIXED_FLAGS: readonly FlagDef[] = [
  { name: 'from', kind: 'string', metavar: 'FILE', help: 'the trained model (a checkpoint); required' },
  { name: 'budget-bops', kind: 'number', metavar: 'B', help: 'budget: BOPs per sample (Σ MACs·b_w·b_a)' },
  { name: 'budget-size', kind: 'number', metavar: 'BYTES', help: 'budget: model size in bytes' },
  { name: 'budget-acev2', kind: 'number', metavar: 'X', help: 'budget: ACEv2 per sample' },
  {
    name: 'bits',
    kind: 'list',
    metavar: 'N,N',
    help: 'candidate weight bitwidths (2–8)',
    default: '2,3,4,8',
  },
  {
    name: 'act-bits',
    kind: 'string',
    metavar: 'tied|N',
    help: "activation bits: equal to the layer's weight bits, or fixed at N",
    default: 'tied',
  },
  {
    name: 'traces',
    kind: 'string',
    metavar: 'FILE',
    help: "per-layer Hessian traces: the JSON of 'quant-lab hessian --from CKPT --out FILE'",
  },
  { name: 'trace-probes', kind: 'int', metavar: 'N', help: 'Hutchinson probes of the traces', default: '50' },
  { name: 'trace-batch', kind: 'int', metavar: 'N', help: 'training images of the traces', default: '128' },
  { name: 'random', kind: 'int', metavar: 'N', help: 'random allocations at the same budget', default: '3' },
  {
    name: 'seed',
    kind: 'int',
    metavar: 'N',
    help: 'seed of the random allocations and probes',
    default: '1',
  },
  {
    name: 'train-steps',
    kind: 'int',
    metavar: 'N',
    help: 'QAT-train every allocation N steps from the checkpoint and report its test accuracy',
  },
  { name: 'json', kind: 'bool', help: 'print the JSON to stdout instead of a summary' },
];

/** `quant-lab mixed`: its flags and the text around them. */
export const MIXED_SPEC: CommandSpec = {
  name: 'mixed',
  summary: 'allocate per-layer bits under a BOPs, size or ACEv2 budget (HAWQ-V3 ILP)',
  usage: ['mixed --from model.ckpt.json --budget-bops B [--traces hessian.json] [--bits 2,3,4,8] [--out F]'],
  positionals: { name: 'argument', max: 0 },
  description: `Ω_l(b) = (Tr(H_l)/n_l)·‖Q_b(W_l) − W_l‖² per layer and candidate bitwidth; an ILP picks one
bitwidth per layer minimizing ΣΩ with the allocation's cost within the one budget given. Costs are
the lab's cost model ('quant-lab cost'). Layers pinned by the checkpoint's --first-last-8bit stay
at 8. Beside it: the largest uniform bitwidth within the budget, and --random N random allocations
raised until nothing more fits (seeded).`,
  groups: [
    { heading: 'Mixed-precision flags', flags: MIXED_FLAGS },
    {
      heading: 'Runner flags',
      flags: RUNNER_FLAGS.filter((f) => f.name !== 'preset' && f.name !== 'save-weights'),
    },
  ],
  footer: `Output: { checkpoint, budget: {axis, value}, bits, actBits, layers: [{name, weightBits, actBits}],
cost: {bops, size, acev2}, objective, solveMs, sensitivity: [{name, params, trace, traceStdErr,
omega, weightError}], uniform: {bits, layers, cost, objective} | null, random: [{layers, cost,
objective}] } (with --train-steps, each allocation has testAccuracy). Train one with
'quant-lab run --from CKPT --finetune --layer-bits out.json'.
Exit codes: 0 done, 2 bad arguments or files, 4 no allocation fits the budget (the message names
the smallest achievable budget).`,
};

export const HELP = commandHelp(MIXED_SPEC);

/** Exit code when no allocation fits the budget. */
export const EXIT_INFEASIBLE = 4;

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The one budget given, and the allocation options. */
function mixedOptions(own: Map<string, unknown>): Parsed<MixedOptions> {
  const given = (['bops', 'size', 'acev2'] as BudgetAxis[]).filter(
    (a) => own.get(`budget-${a}`) !== undefined,
  );
  if (given.length !== 1)
    return { ok: false, error: 'give exactly one of --budget-bops, --budget-size, --budget-acev2' };
  const axis = given[0];
  const budget = own.get(`budget-${axis}`) as number;
  if (!(budget > 0)) return { ok: false, error: `--budget-${axis} must be positive` };
  const bits = (own.get('bits') as number[] | undefined) ?? [2, 3, 4, 8];
  if (!bits.length || bits.some((b) => b < 2 || b > 8))
    return { ok: false, error: '--bits: bitwidths are 2–8' };
  const act = (own.get('act-bits') as string | undefined) ?? 'tied';
  const actBits = act === 'tied' ? 'tied' : Number(act);
  if (actBits !== 'tied' && !(Number.isInteger(actBits) && actBits >= 2 && actBits <= 8))
    return { ok: false, error: `--act-bits: 'tied' or a bitwidth 2–8, got '${act}'` };
  const randomCount = (own.get('random') as number | undefined) ?? 3;
  if (randomCount < 0) return { ok: false, error: '--random must be at least 0' };
  return {
    ok: true,
    value: { axis, budget, bits, actBits, randomCount, seed: (own.get('seed') as number | undefined) ?? 1 },
  };
}

/** The traces: from --traces FILE, or computed by the trace function when one is wired in. */
async function layerTraces(
  own: Map<string, unknown>,
  trace: LayerTraceFn | undefined,
  run: () => Parameters<LayerTraceFn>,
): Promise<Parsed<LayerTrace[]>> {
  const file = own.get('traces') as string | undefined;
  if (file === undefined) {
    if (!trace)
      return { ok: false, error: "--traces FILE is required: the JSON of 'quant-lab hessian --out FILE'" };
    return { ok: true, value: await trace(...run()) };
  }
  try {
    const parsed = parseLayerTraces(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.ok ? parsed : { ok: false, error: `${file}: ${parsed.error}` };
  } catch (error) {
    return { ok: false, error: `${file}: ${(error as Error).message}` };
  }
}

/** Test accuracy after `steps` of QAT from the checkpoint with the allocation's bits. */
async function trainAllocation(
  ckpt: Checkpoint,
  data: MnistData,
  a: Allocation,
  steps: number,
): Promise<Allocation & { testAccuracy?: number }> {
  const exp = withAllocation({ ...ckpt.experiment, train: { ...ckpt.experiment.train, steps } }, a.layers);
  const result = await runExperiment(exp, data, undefined, { from: { checkpoint: ckpt, finetune: true } });
  return { ...a, testAccuracy: result.testAccuracy };
}

/**
 * `quant-lab mixed` with a trace function: when given, traces are computed from the checkpoint
 * unless --traces names a file; without one, --traces is required.
 */
export async function runMixed(argv: string[], trace?: LayerTraceFn): Promise<number> {
  const args = parseArgs(argv, MIXED_SPEC);
  if (!args.ok) return usageError(MIXED_SPEC, args.error);
  const { own, options: runner } = args.value;
  const from = own.get('from') as string | undefined;
  if (!from) return usageError(MIXED_SPEC, '--from FILE is required: the checkpoint to allocate bits for');
  const options = mixedOptions(own);
  if (!options.ok) return usageError(MIXED_SPEC, options.error);
  const read = readCheckpointFile(from);
  if (!read.ok) return fail(`${from}: ${read.error}`);
  const ckpt = read.value;
  const exp = ckpt.experiment;
  await initBackend(runner.backend);
  const built = modelFromCheckpoint(ckpt);
  if (!built.ok) return fail(`${from}: ${built.error}`);
  let data: MnistData | undefined;
  const mnist = () => (data ??= loadMnistNode());
  try {
    const traceOptions = {
      probes: (own.get('trace-probes') as number | undefined) ?? 50,
      batchSize: (own.get('trace-batch') as number | undefined) ?? 128,
      seed: options.value.seed,
      batchSeed: exp.seed,
    };
    const traces = await layerTraces(own, trace, () => [built.model, mnist().train, traceOptions]);
    if (!traces.ok) return fail(traces.error);
    const sensitivity = layerSensitivities(built.model, exp, traces.value, options.value.bits);
    const result = allocateMixed(await loadSolver(), exp, sensitivity, options.value);
    const steps = own.get('train-steps') as number | undefined;
    const train = async (a: Allocation) => (steps ? trainAllocation(ckpt, mnist(), a, steps) : a);
    const { uniform, random, solveMs, ...chosen } = result;
    const output = {
      checkpoint: from,
      budget: { axis: options.value.axis, value: options.value.budget },
      bits: options.value.bits,
      actBits: options.value.actBits,
      ...(await train(chosen)),
      solveMs,
      sensitivity,
      uniform: uniform && { bits: uniform.bits, ...(await train(uniform)) },
      random: [] as Allocation[],
    };
    // One after another: each training run owns the tfjs backend while it runs.
    for (const a of random) output.random.push(await train(a));
    const text = JSON.stringify(output, null, 2);
    if (runner.out) await writeFile(runner.out, `${text}\n`);
    if (own.get('json')) console.log(text);
    else console.log(summary(output));
    return 0;
  } catch (error) {
    if (error instanceof InfeasibleBudgetError) {
      console.error(`quant-lab mixed: ${error.message}`);
      return EXIT_INFEASIBLE;
    }
    throw error;
  } finally {
    built.model.dispose();
  }
}

function fail(message: string): number {
  console.error(`quant-lab mixed: ${message}`);
  return 2;
}

/** One line per allocation: bits per layer, objective, cost, and accuracy when trained. */
function summary(
  o: { layers: Allocation['layers'] } & Allocation & { uniform: Allocation | null; random: Allocation[] },
): string {
  const line = (label: string, a: Allocation & { testAccuracy?: number }) =>
    `${label.padEnd(10)} ${a.layers.map((l) => `W${l.weightBits}A${l.actBits}`).join(' ')}  Ω ${a.objective.toExponential(3)}  BOPs ${a.cost.bops.toExponential(3)}  size ${Math.round(a.cost.size)} B  ACEv2 ${a.cost.acev2.toExponential(3)}${a.testAccuracy === undefined ? '' : `  test ${(100 * a.testAccuracy).toFixed(2)}%`}`;
  return [
    line('ILP', o),
    o.uniform ? line('uniform', o.uniform) : 'uniform    none fits the budget',
    ...o.random.map((a, i) => line(`random ${i + 1}`, a)),
  ].join('\n');
}

/** Entry point of `quant-lab mixed`; returns the exit code. */
export function main(argv: string[]): Promise<number> {
  return runMixed(argv, hessianTraces);
}
