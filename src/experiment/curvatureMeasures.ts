/**
 * What curvature claims measure (docs/hessian.md, "Lessons"): plain functions of a lesson run's
 * trace analysis ({@link ClaimRun.analysis}), NaN until every probe seed's traces are in.
 */
import type { ClaimRun, LayerTraceResult } from './claims';

/** Each probe seed's per-layer traces, or undefined before the analysis is final. */
function seedTraces(run: ClaimRun): LayerTraceResult[][] | undefined {
  const a = run.analysis;
  if (a?.kind !== 'traces' || !a.final || a.seeds.length < 2) return undefined;
  return a.seeds.map((s) => s.layers);
}

/**
 * The largest disagreement between two probe seeds' traces of one layer, in combined standard
 * errors: max over layers and pairs of seeds of |t₁ − t₂| / √(s₁² + s₂²). Two independent
 * estimates of one trace give |N(0, 1)| per layer when the standard errors are right.
 */
export function maxTraceZ(run: ClaimRun): number {
  const seeds = seedTraces(run);
  if (!seeds) return NaN;
  let worst = 0;
  for (let i = 0; i < seeds.length; i += 1)
    for (let j = i + 1; j < seeds.length; j += 1)
      for (const a of seeds[i]!) {
        const b = seeds[j]!.find((l) => l.name === a.name);
        if (!b) return NaN;
        const z = Math.abs(a.trace - b.trace) / Math.hypot(a.traceStdErr, b.traceStdErr);
        if (!Number.isFinite(z)) return NaN;
        worst = Math.max(worst, z);
      }
  return worst;
}

/** Layer names by decreasing trace. */
export function traceRanking(layers: readonly LayerTraceResult[]): string[] {
  return [...layers].sort((x, y) => y.trace - x.trace).map((l) => l.name);
}

/** 1 when every probe seed ranks the layers alike by trace, 0 when two differ. */
export function sameTraceRanking(run: ClaimRun): number {
  const seeds = seedTraces(run);
  if (!seeds) return NaN;
  const first = traceRanking(seeds[0]!).join('\n');
  return seeds.every((s) => traceRanking(s).join('\n') === first) ? 1 : 0;
}

/** A layer's trace at the analysis's first probe seed (NaN before it is final). */
export function layerTrace(run: ClaimRun, layer: string): number {
  return seedTraces(run)?.[0]?.find((l) => l.name === layer)?.trace ?? NaN;
}
