/** The Train workspace's charts: every registered chart (registry.ts) whose condition holds, in order. */
import { useLabShallow } from '../../store/hooks';
import { trainCharts } from './registry';

export function TrainCharts() {
  const charts = trainCharts();
  const shown = useLabShallow((s) => charts.map((c) => c.when?.(s) ?? true));
  return <>{charts.map((c, i) => shown[i] && <c.component key={c.id} />)}</>;
}
