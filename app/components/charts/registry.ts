/**
 * The Train workspace's charts, in page order: id (the test id of the chart's figure, `chart.<name>`),
 * title, the component (which selects its own data from the store, docs/style.md rule 4) and an
 * optional condition to show it at all. Adding a chart: its component file (a `ChartCard` with its
 * data table and "look for" line), one entry here, a test (CONTRIBUTING.md).
 */
import type { ComponentType } from 'react';
import type { LabState } from '../../store/types';
import { AccuracyChart, LossChart } from './MetricCharts';
import { FractionChart, FrequencyChart } from './OscillationCharts';
import { TrajectoryChart } from './TrajectoryChart';
import { TwinChart } from './TwinChart';
import { WeightHistogramChart } from './WeightHistogramChart';

export interface ChartDef {
  /** Test id of the chart's `figure` (its `ChartCard` `testId`). */
  id: string;
  /** What the chart is called (its card may add detail, like the twin chart's estimator names). */
  title: string;
  component: ComponentType;
  /** Shown only while this holds (a pure read of the store); always shown without it. */
  when?: (s: LabState) => boolean;
}

const CHART_DEFS: ChartDef[] = [
  { id: 'chart.loss', title: 'Loss', component: LossChart },
  { id: 'chart.accuracy', title: 'Accuracy', component: AccuracyChart },
  { id: 'chart.trajectories', title: 'Weight trajectories', component: TrajectoryChart },
  { id: 'chart.weights', title: 'Weight histogram', component: WeightHistogramChart },
  { id: 'chart.frequency', title: 'Oscillation frequency', component: FrequencyChart },
  { id: 'chart.fractions', title: 'Oscillating and frozen fraction', component: FractionChart },
  {
    id: 'chart.twin',
    title: 'Twin agreement',
    component: TwinChart,
    when: (s) => s.experiment.twin !== undefined,
  },
];

/** The Train workspace's charts, in page order. */
export function trainCharts(): readonly ChartDef[] {
  return CHART_DEFS;
}

/** Adds a chart at the end (tests: a worked example). Ids are unique. Returns its removal. */
export function registerChart(def: ChartDef): () => void {
  if (CHART_DEFS.some((c) => c.id === def.id)) throw new Error(`chart "${def.id}" exists`);
  CHART_DEFS.push(def);
  return () => {
    const at = CHART_DEFS.indexOf(def);
    if (at >= 0) CHART_DEFS.splice(at, 1);
  };
}
