/** Composition of the sweep and cost UI: sweep form and point details on the left, Pareto and cost charts on the right. */
import { AceCompareChart } from '../cost/AceCompareChart';
import { CostBreakdownChart } from '../cost/CostBreakdownChart';
import { LoadSweepFile } from './LoadSweepFile';
import { ParetoChart } from './ParetoChart';
import { PointDetails } from './PointDetails';
import { SweepPanel } from './SweepPanel';
import './pareto.css';

export function CostAndSweeps() {
  return (
    <section className="cost-lab" data-testid="cost.section" aria-labelledby="cost-heading">
      <h2 id="cost-heading" className="visually-hidden">
        Cost and sweeps
      </h2>
      <aside className="controls">
        <SweepPanel />
        <PointDetails />
      </aside>
      <div className="charts">
        <div className="pareto-card">
          <ParetoChart />
          <LoadSweepFile />
        </div>
        <CostBreakdownChart />
        <AceCompareChart />
      </div>
    </section>
  );
}
