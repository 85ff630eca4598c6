/** Composition of the runs UI: saved runs (table + import/export), their comparison charts, and checkpoints. */
import { CheckpointPanel } from '../checkpoints/CheckpointPanel';
import { CompareCharts } from './CompareCharts';
import { RunTable } from './RunTable';
import { RunsToolbar } from './RunsToolbar';
import './runs.css';

export function RunsSection() {
  return (
    <>
      <section className="runs-section" data-testid="runs.section" aria-labelledby="runs-heading">
        <h2 id="runs-heading">Saved runs</h2>
        <RunsToolbar />
        <RunTable />
        <CompareCharts />
      </section>
      <CheckpointPanel />
    </>
  );
}
