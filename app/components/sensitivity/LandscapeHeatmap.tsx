/**
 * The 2-D loss landscape over the top two eigenvectors as a heatmap (a small SVG: one rect per grid
 * point, darker for a higher loss on a log scale), the trained model marked at the centre.
 */
import { useMemo } from 'react';
import type { LandscapeGrid } from '../../../src/hessian/landscape';
import { heatmapCells } from '../../store/spectrumSelectors';
import { short } from '../../store/sensitivitySelectors';

const SIZE = 260;
const PAD = { left: 36, bottom: 28, top: 6, right: 6 };

/** A light-to-dark blue ramp (level 0: lowest loss). */
const colour = (level: number) => `hsl(215, 70%, ${Math.round(95 - 70 * level)}%)`;

export function LandscapeHeatmap({ grid }: { grid: LandscapeGrid }) {
  const { cells, min, max } = useMemo(() => heatmapCells(grid), [grid]);
  const n = grid.alphas.length;
  const m = grid.betas.length;
  const cw = SIZE / m;
  const ch = SIZE / n;
  const [a0, a1] = [grid.alphas[0], grid.alphas[n - 1]];
  const [b0, b1] = [grid.betas[0], grid.betas[m - 1]];
  const centre = grid.loss[Math.floor(n / 2)][Math.floor(m / 2)];
  return (
    <figure className="sens-figure" data-testid="sens.landscape2d" data-points={cells.length}>
      <svg
        width={SIZE + PAD.left + PAD.right}
        height={SIZE + PAD.top + PAD.bottom}
        role="img"
        aria-label={`Loss over α·v₁ + β·v₂: from ${short(min)} to ${short(max)}, ${short(centre)} at the trained model`}
      >
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {cells.map((c) => (
            // α runs up (rows from the bottom), β to the right.
            <rect
              key={`${c.i}-${c.j}`}
              x={c.j * cw}
              y={SIZE - (c.i + 1) * ch}
              width={cw + 0.5}
              height={ch + 0.5}
              fill={colour(c.level)}
            >
              <title>{`α ${c.alpha.toFixed(2)}, β ${c.beta.toFixed(2)}: loss ${short(c.loss)}`}</title>
            </rect>
          ))}
          <circle cx={SIZE / 2} cy={SIZE / 2} r={3} fill="#dc2626" />
          <text x={0} y={SIZE + 14} fontSize={10}>
            {b0}
          </text>
          <text x={SIZE} y={SIZE + 14} fontSize={10} textAnchor="end">
            {b1}
          </text>
          <text x={SIZE / 2} y={SIZE + 24} fontSize={11} textAnchor="middle">
            β (along v₂)
          </text>
          <text x={-4} y={SIZE} fontSize={10} textAnchor="end">
            {a0}
          </text>
          <text x={-4} y={10} fontSize={10} textAnchor="end">
            {a1}
          </text>
          <text
            x={-22}
            y={SIZE / 2}
            fontSize={11}
            textAnchor="middle"
            transform={`rotate(-90 -22 ${SIZE / 2})`}
          >
            α (along v₁)
          </text>
        </g>
      </svg>
      <figcaption className="muted small">
        Loss over θ + α·v₁ + β·v₂ ({n} × {m} points): light {short(min)}, dark {short(max)} (log scale); the
        red dot is the trained model.
      </figcaption>
    </figure>
  );
}
