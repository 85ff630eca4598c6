/** Hover card of a Pareto point (its configuration and costs) and the bitwidth colours. */
import { formatCount } from '../../../src/cost/format';
import { costOfExperiment } from '../../../src/cost/report';
import { ExplanationView } from '../explain/Explain';
import { explainParetoPoint } from '../explain/formulas';
import { formatOnAxis, type CostAxis } from '../../../src/cost/axes';
import { FLOAT_BITS } from '../../../src/experiment/schema';
import { AXIS_LABEL, describeCoords, type ParetoPoint, type ScatterRow } from '../../store/paretoSelectors';

/** Colour of a weight bitwidth: low bits warm, float grey. */
const BITS_COLORS: Record<number, string> = {
  2: '#d62728',
  3: '#e8710a',
  4: '#2ca02c',
  5: '#17becf',
  6: '#8c564b',
  7: '#e377c2',
  8: '#1f77b4',
  [FLOAT_BITS]: '#7f7f7f',
};

export function bitsColor(bits: number): string {
  return BITS_COLORS[bits] ?? '#9467bd';
}

const SOURCE: Record<ParetoPoint['source'], string> = {
  run: 'manual run (click to show it)',
  sweep: 'browser sweep',
  file: 'sweep file',
};

export function PointTooltip(props: {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
  byKey: Map<string, ParetoPoint>;
  axis: CostAxis;
}) {
  const row = props.payload?.[0]?.payload as ScatterRow | undefined;
  const point = props.active && row ? props.byKey.get(row.key) : undefined;
  if (!point) return null;
  return (
    <div className="pareto-tooltip" data-testid="pareto.tooltip">
      <strong>{point.label}</strong>
      <div>{describeCoords(point.coords)}</div>
      <div>
        accuracy {(100 * point.testAccuracy).toFixed(1)}% · {AXIS_LABEL[props.axis]}{' '}
        {formatOnAxis(point.cost, props.axis)}
      </div>
      <div className="muted">
        ACE {formatCount(point.cost.ace)} · ACEv2 {formatCount(point.cost.acev2)} · size{' '}
        {formatCount(point.cost.sizeBits / 8)}B
      </div>
      <div className="muted">{SOURCE[point.source]}</div>
      <div className="pareto-formulas">
        <ExplanationView
          explanation={explainParetoPoint(point, costOfExperiment(point.experiment), props.axis)}
        />
      </div>
    </div>
  );
}
