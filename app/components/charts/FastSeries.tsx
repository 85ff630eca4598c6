/**
 * Series paths drawn with the chart's own recharts scales (`useXAxisScale` / `useYAxisScale`).
 *
 * Why not `<Line>`: recharts 3 runs its line animation machinery on every render even with
 * `isAnimationActive={false}` (it diffs every point against the previous render and calls
 * `getTotalLength()`, a forced layout), which made a live chart update cost 15–40 ms. A plain path
 * over the same scales costs a fraction of that, so chart updates stay far below the 50 ms long-task
 * line. Axes, grid, reference lines and tooltips remain recharts; domains are given explicitly by the
 * selectors (recharts cannot infer them from custom children).
 */
import { useMemo } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { roundTicks } from '../../store/axes';

/** A data row: any object with numeric fields (the x field and the series' keys). */
export type Row = object;

const num = (r: Row, k: string): number | undefined => {
  const v = (r as Record<string, unknown>)[k];
  return typeof v === 'number' ? v : undefined;
};

export interface SeriesSpec {
  /** Row field holding the y value; rows without a finite value are skipped (the line joins across). */
  key: string;
  color: string;
  width?: number;
  opacity?: number;
  /** `line`: straight segments; `step`: hold each value until the next x (stepAfter); `area`: filled steps. */
  kind?: 'line' | 'step' | 'area';
  yAxisId?: string;
}

/** SVG path data for one series, given the scales (pure; exported for tests). */
export function seriesPath(
  rows: readonly Row[],
  xKey: string,
  spec: SeriesSpec,
  x: (v: number) => number,
  y: (v: number) => number,
): string {
  const pts: [number, number][] = [];
  for (const r of rows) {
    const xv = num(r, xKey);
    const yv = num(r, spec.key);
    if (xv === undefined || yv === undefined || !Number.isFinite(yv)) continue;
    const px = x(xv);
    const py = y(yv);
    if (Number.isFinite(px) && Number.isFinite(py)) pts.push([px, py]);
  }
  if (pts.length === 0) return '';
  const f = (v: number) => String(Math.round(v * 10) / 10);
  const kind = spec.kind ?? 'line';
  let rest = '';
  for (let i = 1; i < pts.length; i++) {
    rest += kind === 'line' ? `L${f(pts[i][0])},${f(pts[i][1])}` : `H${f(pts[i][0])}V${f(pts[i][1])}`;
  }
  const [x0, y0] = pts[0];
  if (kind !== 'area') return `M${f(x0)},${f(y0)}${rest}`;
  const base = f(y(0));
  return `M${f(x0)},${base}V${f(y0)}${rest}V${base}Z`;
}

function SeriesPath({ rows, xKey, spec }: { rows: readonly Row[]; xKey: string; spec: SeriesSpec }) {
  const x = useXAxisScale();
  const y = useYAxisScale(spec.yAxisId);
  if (!x || !y) return null;
  const d = seriesPath(
    rows,
    xKey,
    spec,
    (v) => Number(x(v)),
    (v) => Number(y(v)),
  );
  const area = spec.kind === 'area';
  return (
    <path
      d={d}
      fill={area ? spec.color : 'none'}
      fillOpacity={area ? (spec.opacity ?? 0.35) : undefined}
      stroke={spec.color}
      strokeOpacity={area ? 1 : (spec.opacity ?? 1)}
      strokeWidth={spec.width ?? 1.5}
      strokeLinejoin="round"
      className="fast-series"
      data-key={spec.key}
    />
  );
}

/** Draws `series` over `rows` (x from `xKey`) inside a recharts cartesian chart. */
export function FastSeries({
  rows,
  series,
  xKey = 'step',
}: {
  rows: readonly Row[];
  series: readonly SeriesSpec[];
  xKey?: string;
}) {
  return (
    <g className="fast-series-group">
      {series.map((s) => (
        <SeriesPath key={`${s.yAxisId ?? ''}:${s.key}`} rows={rows} xKey={xKey} spec={s} />
      ))}
    </g>
  );
}

/**
 * Straight rules across the plot area at data values: vertical at `x` values or horizontal at `y`
 * values (grid overlays, rounding thresholds). One path instead of one recharts ReferenceLine each.
 */
export function FastRules(props: {
  x?: readonly number[];
  y?: readonly number[];
  color: string;
  opacity?: number;
  dash?: string;
  yAxisId?: string;
}) {
  const xs = useXAxisScale();
  const ys = useYAxisScale(props.yAxisId);
  const area = usePlotArea();
  if (!xs || !ys || !area) return null;
  let d = '';
  for (const v of props.x ?? []) {
    const px = Number(xs(v));
    if (Number.isFinite(px)) d += `M${px.toFixed(1)},${area.y}V${area.y + area.height}`;
  }
  for (const v of props.y ?? []) {
    const py = Number(ys(v));
    if (Number.isFinite(py)) d += `M${area.x},${py.toFixed(1)}H${area.x + area.width}`;
  }
  return (
    <path
      d={d}
      stroke={props.color}
      strokeOpacity={props.opacity ?? 1}
      strokeDasharray={props.dash}
      fill="none"
      className="fast-rules"
    />
  );
}

/** [min, max] of the given keys over rows (finite values only), or `fallback`. */
export function extent(
  rows: readonly Row[],
  keys: readonly string[],
  fallback: [number, number] = [0, 1],
): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows)
    for (const k of keys) {
      const v = num(r, k);
      if (v !== undefined && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  return lo <= hi ? [lo, hi] : fallback;
}

/** An x axis over the rows' steps: data-tight domain, round ticks that stay put as the run grows. */
export function useStepAxis(
  rows: readonly Row[],
  key = 'step',
): { domain: [number, number]; ticks: number[] } {
  return useMemo(() => {
    const domain = extent(rows, [key]);
    return { domain, ticks: roundTicks(domain[0], domain[1]) };
  }, [rows, key]);
}
