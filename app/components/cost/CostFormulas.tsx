/** Cost formulas per layer, filled in: a row of focusable layer names, and a chart tooltip body. */
import { useMemo } from 'react';
import type { CostReport } from '../../../src/cost/types';
import { describeModel } from '../../../src/models/spec';
import { useLab } from '../../store/hooks';
import { Explain, ExplanationView } from '../explain/Explain';
import { explainCostRow } from '../explain/formulas';

/** "Formulas: fc1 · fc2 · total", each opening that row's MACs, BOPs, ACE, ACEv2 and size. */
export function CostFormulas({ report, testId }: { report: CostReport; testId: string }) {
  const experiment = useLab((s) => s.experiment);
  const specs = useMemo(() => describeModel(experiment), [experiment]);
  const names = [...report.layers.map((l) => l.name), 'total'];
  return (
    <span className="cost-formulas small">
      Formulas:{' '}
      {names.map((name) => (
        <span key={name}>
          <Explain explain={() => explainCostRow(report, specs, name)} testId={`${testId}.${name}`}>
            {name}
          </Explain>{' '}
        </span>
      ))}
    </span>
  );
}

/** recharts Tooltip content: the hovered bar group's formulas (built only while hovered). */
export function CostTooltip(props: {
  active?: boolean;
  label?: unknown;
  report: CostReport;
  experiment: Parameters<typeof describeModel>[0];
}) {
  if (!props.active || typeof props.label !== 'string') return null;
  const e = explainCostRow(props.report, describeModel(props.experiment), props.label);
  return e ? (
    <div className="explain-tip explain-slotted" data-testid="cost.tooltip">
      <ExplanationView explanation={e} />
    </div>
  ) : null;
}
