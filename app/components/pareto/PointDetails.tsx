/**
 * Details of the clicked Pareto point: configuration, accuracy, costs, the per-layer bits (a mixed
 * allocation, applied or learned in training, shows here); load its config into the lab.
 */
import { useMemo } from 'react';
import { formatCount } from '../../../src/cost/format';
import { costOfExperiment } from '../../../src/cost/report';
import type { CostAxis } from '../../../src/cost/types';
import { FLOAT_BITS } from '../../../src/experiment/schema';
import { describeModel } from '../../../src/models/spec';
import { Explain } from '../explain/Explain';
import { explainParetoPoint } from '../explain/formulas';
import { useLabShallow } from '../../store/hooks';
import { describeCoords, findPoint } from '../../store/paretoSelectors';
import { Section } from '../controls/fields';
import { useParetoPoints } from './ParetoChart';

const SIZE: CostAxis = 'sizeBits';
const bitsLabel = (b: number) => (b >= FLOAT_BITS ? 'float' : String(b));

export function PointDetails() {
  const points = useParetoPoints();
  const { selected, select, setExperiment } = useLabShallow((s) => ({
    selected: s.sweep.selected,
    select: s.selectParetoPoint,
    setExperiment: s.setExperiment,
  }));
  const point = useMemo(() => findPoint(points, selected), [points, selected]);
  const layers = useMemo(() => (point ? describeModel(point.experiment) : []), [point]);
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
      <table className="bits-table" data-testid="pareto.details.bits">
        <caption className="small">
          Per-layer bits (W/A){point.experiment.qbitopt ? ', learned in training' : ''}
        </caption>
        <tbody>
          {layers.map((l) => (
            <tr
              key={l.name}
              data-testid={`pareto.details.bits.${l.name}`}
              data-bits={`${l.weightBits}/${l.actBits}`}
            >
              <td>{l.name}</td>
              <td className="num">
                {bitsLabel(l.weightBits)}/{bitsLabel(l.actBits)}
              </td>
            </tr>
          ))}
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
