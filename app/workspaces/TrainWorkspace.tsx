/** The Train workspace: a shared result, the lesson's claim, then the training charts (charts/registry.ts). */
import { TrainCharts } from '../components/charts/TrainCharts';
import { ClaimPanel } from '../components/lessons/ClaimPanel';
import { SharedResult } from '../components/share/SharedResult';

export function TrainWorkspace() {
  return (
    <section className="charts" data-testid="charts" aria-labelledby="charts-heading">
      <h2 id="charts-heading" className="visually-hidden">
        Training charts
      </h2>
      <SharedResult />
      <ClaimPanel />
      <TrainCharts />
    </section>
  );
}
