/** Composition only: header, banners, transport, controls on the left, charts on the right, the tour. */
import { AccuracyChart, LossChart } from './components/charts/MetricCharts';
import { FractionChart, FrequencyChart } from './components/charts/OscillationCharts';
import { TrajectoryChart } from './components/charts/TrajectoryChart';
import { TwinChart } from './components/charts/TwinChart';
import { WeightHistogramChart } from './components/charts/WeightHistogramChart';
import { ClaimPanel } from './components/lessons/ClaimPanel';
import { BitsTable } from './components/controls/BitsTable';
import { EstimatorControls } from './components/controls/EstimatorControls';
import { ModelControls } from './components/controls/ModelControls';
import { OscillationControls } from './components/controls/OscillationControls';
import { QuantizerControls } from './components/controls/QuantizerControls';
import { TrainControls } from './components/controls/TrainControls';
import { Transport } from './components/controls/Transport';
import { TwinControls } from './components/controls/TwinControls';
import { Banners } from './components/layout/Banners';
import { Header } from './components/layout/Header';
import { RunList } from './components/layout/RunList';
import { CostAndSweeps } from './components/pareto/CostAndSweeps';
import { RunsSection } from './components/runs/RunsSection';
import { ClassroomStyle } from './components/share/ClassroomOptions';
import { LinkNotices } from './components/share/LinkNotices';
import { ShareBar } from './components/share/ShareBar';
import { SharedResult } from './components/share/SharedResult';
import { Tour } from './components/tour/Tour';
import { useLab } from './store/hooks';

export function App() {
  const twin = useLab((s) => s.experiment.twin !== undefined);
  return (
    <div className="lab">
      <Header />
      <main>
        <section className="toolbar" aria-label="Training and sharing">
          <Transport />
          <RunList />
          <ShareBar />
        </section>
        <ClassroomStyle />
        <LinkNotices />
        <Banners />
        <div className="columns">
          <aside className="controls" data-testid="controls" aria-labelledby="controls-heading">
            <h2 id="controls-heading" className="visually-hidden">
              Experiment controls
            </h2>
            <ModelControls />
            <BitsTable />
            <QuantizerControls />
            <EstimatorControls />
            <TrainControls />
            <OscillationControls />
            <TwinControls />
          </aside>
          <section className="charts" data-testid="charts" aria-labelledby="charts-heading">
            <h2 id="charts-heading" className="visually-hidden">
              Training charts
            </h2>
            <SharedResult />
            <ClaimPanel />
            <LossChart />
            <AccuracyChart />
            <TrajectoryChart />
            <WeightHistogramChart />
            <FrequencyChart />
            <FractionChart />
            {twin && <TwinChart />}
          </section>
        </div>
        <CostAndSweeps />
        <RunsSection />
      </main>
      <Tour />
    </div>
  );
}
