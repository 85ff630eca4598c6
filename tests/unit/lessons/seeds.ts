/**
 * Runs lessons at several seeds, as the runner does (wasm backend, real training), and tabulates
 * whether each claim held. Runs are shared: an experiment that two lessons train (the freezing
 * lesson's base is the oscillation lesson itself) is trained once per seed, and the post-training
 * lessons that share it run their ladders (or curvature analyses, or prunings) on that one trained model.
 */
import {
  checkClaim,
  type ClaimResult,
  type ClaimRun,
  experimentKey,
  lessonExperiments,
} from '../../../src/experiment/claims';
import type { Preset } from '../../../src/experiment/presets';
import type { Experiment } from '../../../src/experiment/schema';
import { loadMnistNode } from '../../../src/data/node';
import { initBackend } from '../../../src/tensor/backend';
import {
  claimRunOf,
  measureLessonAnalysis,
  measureLessonLadder,
  measureLessonPrune,
} from '../../../src/train/lesson';
import { measureLessonDeploy } from '../../../src/train/lessonDeploy';
import { runExperiment } from '../../../src/train/run';
import type { Trainer } from '../../../src/train/types';

export interface SeedOutcome {
  id: string;
  seed: number;
  claim: ClaimResult;
}

/** Checks every lesson of `presets` at every seed; `seeds[0]` should be the shipped seed. */
export async function checkLessons(
  presets: readonly Preset[],
  seeds: readonly number[],
): Promise<SeedOutcome[]> {
  await initBackend('wasm');
  const data = loadMnistNode();
  const cache = new Map<string, Promise<ClaimRun>>();
  /** Ladder cells and analyses by experiment key and lesson id, measured when the experiment trained. */
  const ladders = new Map<string, NonNullable<ClaimRun['ladder']>>();
  const analyses = new Map<string, NonNullable<ClaimRun['analysis']>>();
  const prunes = new Map<string, NonNullable<ClaimRun['prune']>>();
  /** Deploy measurements by experiment key. */
  const deploys = new Map<string, NonNullable<ClaimRun['deploy']>>();
  const train = (exp: Experiment) => {
    const key = experimentKey(exp);
    // Every lesson with a ladder, an analysis or a pruning of this experiment measures it on this one trained model.
    const measuring = presets.filter(
      (p) =>
        (p.claim.ladder || p.claim.analysis || p.claim.prune) &&
        experimentKey(lessonExperiments(p.experiment, p.claim, exp.seed).self) === key,
    );
    // A deploy lesson measures every run it trains; the measurement is the same for every lesson.
    const deploy = presets.find((p) => p.claim.deploy)?.claim.deploy;
    const onTrained = async (t: Trainer) => {
      if (deploy) deploys.set(key, await measureLessonDeploy(t, deploy, data));
      for (const p of measuring) {
        const { ladder, analysis, prune } = p.claim;
        if (ladder) ladders.set(`${key}|${p.id}`, await measureLessonLadder(t, ladder, data));
        if (analysis) analyses.set(`${key}|${p.id}`, await measureLessonAnalysis(t, analysis, data));
        if (prune) prunes.set(`${key}|${p.id}`, await measureLessonPrune(t, prune, data));
      }
    };
    if (!cache.has(key)) cache.set(key, runExperiment(exp, data, undefined, { onTrained }).then(claimRunOf));
    return cache.get(key)!;
  };
  const out: SeedOutcome[] = [];
  for (const seed of seeds)
    for (const p of presets) {
      const runs: Record<string, ClaimRun> = {};
      // One at a time: runs share the backend and the machine's two cores.
      for (const [role, exp] of Object.entries(lessonExperiments(p.experiment, p.claim, seed)))
        runs[role] = await train(exp).then((run) => {
          const deployed = p.claim.deploy && deploys.get(experimentKey(exp));
          return deployed ? { ...run, deploy: deployed } : run;
        });
      const at = `${experimentKey(runs.self!.experiment)}|${p.id}`;
      const ladder = ladders.get(at);
      if (ladder) runs.self = { ...runs.self!, ladder };
      const analysis = analyses.get(at);
      if (analysis) runs.self = { ...runs.self!, analysis };
      const prune = prunes.get(at);
      if (prune) runs.self = { ...runs.self!, prune };
      out.push({ id: p.id, seed, claim: checkClaim(p.claim, runs as { self: ClaimRun }) });
    }
  return out;
}

/**
 * A table, one block per lesson: the shipped-seed verdict, how many other seeds it held at, and the
 * measured numbers at every seed.
 */
export function seedTable(outcomes: SeedOutcome[], shipped: (id: string) => number): string {
  const ids = [...new Set(outcomes.map((o) => o.id))];
  const mark = (h: boolean | null) => (h === null ? '?' : h ? '✔' : '✘');
  return ids
    .map((id) => {
      const mine = outcomes.filter((o) => o.id === id);
      const at = mine.find((o) => o.seed === shipped(id));
      const others = mine.filter((o) => o.seed !== shipped(id));
      const held = others.filter((o) => o.claim.holds).length;
      const rows = mine.map(
        (o) => `    seed ${o.seed} ${mark(o.claim.holds)} ${JSON.stringify(o.claim.measured)}`,
      );
      return [
        `${id}: shipped seed ${mark(at?.claim.holds ?? null)}, other seeds ${held}/${others.length}`,
        ...rows,
      ].join('\n');
    })
    .join('\n');
}
