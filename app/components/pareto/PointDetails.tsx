/** Details of the clicked Pareto point: configuration, accuracy, costs; load its config into the lab. */
import { useMemo } from 'react';
import { formatCount } from '../../../src/cost/format';
import { costOfExperiment } from '../../../src/cost/report';
import type { CostAxis } from '../../../src/cost/types';
import { Explain } from '../explain/Explain';
import { explainParetoPoint } from '../explain/formulas';
import { useLabShallow } from '../../store/hooks';
import { describeCoords, findPoint } from '../../store/paretoSelectors';
import { Section } from '../controls/fields';
import { useParetoPoints } from './ParetoChart';

const SIZE: CostAxis = 'sizeBits';

export function PointDetails() {
  const points = useParetoPoints();
  const { selected, select, setExperiment } = useLabShallow((s) => ({
    selected: s.sweep.selected,
    select: s.selectParetoPoint,
    setExperiment: s.setExperiment,
  }));
  const point = useMemo(() => findPoint(points, selected), [points, selected]);
  if (!point) return null;
  const c = point.cost;
  return (
    <Section title="Selected point" testId="pareto.details">
      <div data-testid="pareto.details.label">
        <strong>{point.label}</strong> (
        {point.source === 'run'
          ? 'shown in the charts above'
          : point.source === 'sweep'
            ? 'browser sweep'
            : 'sweep file'}
        )
      </div>
      <div>{describeCoords(point.coords)}</div>
      <table className="bits-table">
        <tbody>
          <tr>
            <td>test accuracy</td>
            <td className="num" data-testid="pareto.details.accuracy">
              <Explain explain={() => explainParetoPoint(point, costOfExperiment(point.experiment), 'ace')}>
                {(100 * point.testAccuracy).toFixed(2)}%
              </Explain>
            </td>
          </tr>
          {(['macs', 'ace', 'acev2', 'bops'] as const).map((k) => (
            <tr key={k}>
              <td>{k === 'acev2' ? 'ACEv2 (lab)' : k === 'macs' ? 'MACs' : k.toUpperCase()}</td>
              <td className="num">
                <Explain explain={() => explainParetoPoint(point, costOfExperiment(point.experiment), k)}>
                  {formatCount(c[k])}
                </Explain>
              </td>
            </tr>
          ))}
          <tr>
            <td>size</td>
            <td className="num">
              <Explain explain={() => explainParetoPoint(point, costOfExperiment(point.experiment), SIZE)}>
                {formatCount(c.sizeBits / 8)}B
              </Explain>
            </td>
          </tr>
        </tbody>
      </table>
      <div className="row">
        <button
          type="button"
          data-testid="pareto.details.load"
          onClick={() => setExperiment(point.experiment)}
          title="Set the controls to this point's experiment (press play to train it)"
        >
          Load this config
        </button>
        <button type="button" className="link" onClick={() => select(null)}>
          close
        </button>
      </div>
    </Section>
  );
}
