/**
 * What the Sensitivity workspace's Spectrum section shows, shaped from a spectrum report
 * (docs/hessian.md §7): the eigenvalue density on PyHessian's grid, pooled to a few hundred points
 * for drawing, the 1-D landscape as chart rows, and the 2-D grid as heatmap cells. Pure, Node-tested.
 */
import type { Landscape, LandscapeGrid } from '../../src/hessian/landscape';
import { densityOnGrid, type SlqDensity } from '../../src/hessian/spectrum';

/** Added before the log scale, as PyHessian's plot does, so empty stretches stay drawable. */
export const DENSITY_FLOOR = 1e-7;

/** One point of the density chart. */
export interface DensityPoint {
  eigenvalue: number;
  density: number;
}

/**
 * PyHessian's broadened density (10,000 grid points, normalized to integrate to 1), pooled into at
 * most `maxPoints` bins by each bin's maximum so that no narrow peak vanishes, plus the floor.
 */
export function densitySeries(density: SlqDensity, maxPoints = 500): DensityPoint[] {
  const { grid, density: values } = densityOnGrid(density);
  const per = Math.max(1, Math.ceil(grid.length / maxPoints));
  const out: DensityPoint[] = [];
  for (let start = 0; start < grid.length; start += per) {
    let best = start;
    for (let j = start + 1; j < Math.min(start + per, grid.length); j += 1)
      if (values[j] > values[best]) best = j;
    out.push({ eigenvalue: grid[best], density: values[best] + DENSITY_FLOOR });
  }
  return out;
}

/** One point of the 1-D landscape chart (accuracies in percent). */
export interface LandscapeRow {
  alpha: number;
  loss: number;
  accuracy: number;
  quantLoss?: number;
  quantAccuracy?: number;
}

export function landscapeRows(l: Landscape): LandscapeRow[] {
  return l.alphas.map((alpha, i) => ({
    alpha,
    loss: l.loss1d[i],
    accuracy: 100 * l.accuracy1d[i],
    ...(l.quantLoss1d && { quantLoss: l.quantLoss1d[i], quantAccuracy: 100 * l.quantAccuracy1d![i] }),
  }));
}

/** The loss of the trained model itself: the middle of the 1-D scan (α = 0). */
export const centerLoss = (l: Landscape): number => l.loss1d[Math.floor(l.alphas.length / 2)];

/**
 * How sharp the basin is along v₁: the second difference of the loss around α = 0, which
 * approaches the top eigenvalue when the loss is quadratic over the step.
 */
export function centerCurvature(l: Landscape): number {
  const m = Math.floor(l.alphas.length / 2);
  const h = l.alphas[m + 1] - l.alphas[m];
  return (l.loss1d[m - 1] - 2 * l.loss1d[m] + l.loss1d[m + 1]) / (h * h);
}

/** One cell of the 2-D heatmap: its place in the grid, its coordinates, its loss and colour level. */
export interface HeatCell {
  i: number;
  j: number;
  alpha: number;
  beta: number;
  loss: number;
  /** 0 (the grid's lowest loss) to 1 (its highest), on a log scale of the loss. */
  level: number;
}

export function heatmapCells(grid: LandscapeGrid): { cells: HeatCell[]; min: number; max: number } {
  const flat = grid.loss.flat();
  const min = Math.min(...flat);
  const max = Math.max(...flat);
  // Log levels: a basin's loss spans decades between its floor and its walls.
  const lo = Math.log(Math.max(min, 1e-12));
  const span = Math.log(Math.max(max, 1e-12)) - lo || 1;
  const cells = grid.alphas.flatMap((alpha, i) =>
    grid.betas.map((beta, j) => {
      const loss = grid.loss[i][j];
      return { i, j, alpha, beta, loss, level: (Math.log(Math.max(loss, 1e-12)) - lo) / span };
    }),
  );
  return { cells, min, max };
}
