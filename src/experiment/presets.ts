/**
 * Lessons: named experiments that each reproduce one phenomenon from docs/science.md in a browser tab
 * within about a minute (small step counts, a 4k-image training subset, 1k test images), each with a
 * claim checked on its own runs (src/experiment/claims.ts). Where the claim compares two settings,
 * the lesson also trains the other one (its `compare` runs, same seed). Presets of one `group`
 * differ in exactly the knob being taught (a unit test checks this), so a class can run them side by
 * side. A link may open a lesson by id (`encodeLink(…, {preset})`).
 *
 * Every claim was measured at its shipped seed and at other seeds; the unit tests run them again and
 * report how often each holds. A claim that holds only under a condition says so in `condition`.
 *
 * Step budgets, from docs/performance.md §8 (wasm SIMD, 1 thread): MLP ≈ 60 steps/s at batch 128, the
 * 3-layer CNN ≈ 15 steps/s at batch 64; the depthwise CNN has about a third of the CNN's MACs.
 */
import type { ClaimSpec } from './claims';
import { BITS_INPUTS } from './bitsPresets';
import { DEPLOY_INPUTS } from './deployPresets';
import { PRUNE_INPUTS } from './prunePresets';
import { CURVATURE_INPUTS } from './curvaturePresets';
import { PTQ_INPUTS } from './ptqPresets';
import { QAT_INPUTS } from './qatPresets';
import { type Experiment, type ExperimentInput, experimentSchema } from './schema';

/** One lesson: a teaching preset and the claim it checks. */
export interface Preset {
  /** Stable id, used in links (`p`) and by the UI; never renamed once shipped. */
  id: string;
  /** Phenomenon this preset belongs to; presets of a group are meant to be compared. */
  group: PresetGroup;
  title: string;
  /** What happens and why, in a few sentences a student can follow. */
  explanation: string;
  /** Which charts to look at. */
  watch: string;
  /** The fully resolved experiment (its `name` is the title). */
  experiment: Experiment;
  /** What the lesson says happens, checked on its runs. */
  claim: ClaimSpec;
}

/** Phenomenon groups, in teaching order, with their headings. */
export const PRESET_GROUPS = {
  oscillations: 'Weight oscillations at low bits (docs/science.md §2)',
  twins: 'Custom gradient estimators are STEs in disguise (docs/science.md §1)',
  firstLast: 'Keeping the first and last layer at 8 bits (docs/science.md §4)',
  granularity: 'Per-tensor vs per-channel weight scales (docs/science.md §5)',
  pareto: 'Pareto: a wider 4-bit net vs a narrower 8-bit net (docs/science.md §4)',
  cost: 'What a cost model counts: ACE vs ACEv2 (docs/science.md §3)',
  ptq: 'Post-training quantization beside QAT (docs/ptq.md)',
  curvature: 'Curvature: where bits and weights matter (docs/hessian.md, docs/mixed.md, docs/prune.md)',
  deploy: 'Deployment: integer-only inference and onnxruntime against fake quantization (docs/integer.md)',
} as const;
export type PresetGroup = keyof typeof PRESET_GROUPS;

/** A lesson as written: its experiment before the schema resolves it. */
export type PresetInput = Omit<Preset, 'experiment'> & { experiment: ExperimentInput };

const INPUTS: PresetInput[] = [
  ...QAT_INPUTS,
  ...BITS_INPUTS,
  ...PTQ_INPUTS,
  ...PRUNE_INPUTS,
  ...CURVATURE_INPUTS,
  ...DEPLOY_INPUTS,
];

/** All presets, in teaching order. Resolved once at load; a bad preset fails the unit tests. */
export const PRESETS: readonly Preset[] = INPUTS.map((p) => ({
  ...p,
  experiment: experimentSchema.parse({ ...p.experiment, name: p.title }),
}));

const BY_ID = new Map(PRESETS.map((p) => [p.id, p]));

/** The preset with this id, or undefined (ids come from links, so any string is allowed). */
export function getPreset(id: string): Preset | undefined {
  return BY_ID.get(id);
}

/** Presets of one phenomenon group, in teaching order. */
export function presetsInGroup(group: PresetGroup): Preset[] {
  return PRESETS.filter((p) => p.group === group);
}
