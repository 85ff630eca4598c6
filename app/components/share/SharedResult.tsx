/**
 * The result a link carried, drawn at once as dashed ghost curves (loss, accuracy) beside the current
 * run's, with a Re-run button: same experiment, backend and seed reproduce the same numbers.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, XAxis, YAxis } from 'recharts';
import type { LinkSummary } from '../../../src/experiment/url';
import type { HistoryPoint } from '../../../src/train/types';
import { ghostRows } from '../../store/compareSelectors';
import { useLab } from '../../store/hooks';
import { runHistory } from '../../store/persistSync';
import { selectViewedRun } from '../../store/selectors';
import { CHART_HEIGHT, CHART_MARGIN, CHART_WIDTH, ChartCard, Swatch } from '../charts/ChartCard';

const GHOST = '#999';
const LIVE = '#1f77b4';
const LIVE_TEST = '#e8710a';

const GhostChart = memo(function GhostChart(props: {
  summary: LinkSummary;
  history: HistoryPoint[];
  metric: 'loss' | 'accuracy';
}) {
  const rows = useMemo(
    () => ghostRows(props.summary, props.history, props.metric),
    [props.summary, props.history, props.metric],
  );
  const acc = props.metric === 'accuracy';
  return (
    <ChartCard
      title={acc ? 'Shared run: accuracy' : 'Shared run: loss'}
      testId={`chart.shared.${props.metric}`}
      points={rows.length}
      legend={
        <>
          <Swatch color={GHOST} /> from the link (dashed) <Swatch color={LIVE} /> this run, train
          <Swatch color={LIVE_TEST} /> test
        </>
      }
      table={{
        columns: [
          { key: 'step', label: 'step' },
          { key: 'ghost', label: acc ? 'link: train accuracy' : 'link: loss' },
          ...(acc ? [{ key: 'ghostTest', label: 'link: test accuracy' }] : []),
          { key: 'live', label: acc ? 'this run: train accuracy' : 'this run: loss' },
          { key: 'liveTest', label: acc ? 'this run: test accuracy' : 'this run: test loss' },
        ],
        rows,
      }}
    >
      <LineChart width={CHART_WIDTH} height={CHART_HEIGHT} margin={CHART_MARGIN} data={rows}>
        <CartesianGrid stroke="#eee" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 10 }} />
        <YAxis type="number" domain={acc ? [0, 1] : ['auto', 'auto']} tick={{ fontSize: 10 }} />
        <Line
          dataKey="ghost"
          stroke={GHOST}
          strokeDasharray="5 4"
          dot={false}
          connectNulls
          isAnimationActive={false}
        />
        {acc && (
          <Line
            dataKey="ghostTest"
            stroke={GHOST}
            strokeWidth={2}
            strokeDasharray="2 3"
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        )}
        <Line dataKey="live" stroke={LIVE} dot={false} connectNulls isAnimationActive={false} />
        <Line
          dataKey="liveTest"
          stroke={LIVE_TEST}
          strokeWidth={2}
          dot={false}
          connectNulls
          isAnimationActive={false}
        />
      </LineChart>
    </ChartCard>
  );
});

/** Mounted only when a link carried a summary, so training without one pays nothing here. */
export function SharedResult() {
  const summary = useLab((s) => s.linkSummary);
  return summary ? <SharedResultCards summary={summary} /> : null;
}

function SharedResultCards({ summary }: { summary: LinkSummary }) {
  const clear = useLab((s) => s.clearLinkSummary);
  const play = useLab((s) => s.play);
  const run = useLab(selectViewedRun);
  const reports = run?.reports;
  const evals = run?.evals;
  const history = useMemo(() => (reports && evals ? runHistory({ reports, evals }) : []), [reports, evals]);
  return (
    <div className="shared-result" data-testid="share.result">
      <div className="shared-result-head">
        <span>
          The link carries a finished run ({summary.status}, test accuracy{' '}
          <strong data-testid="share.result.accuracy">{(summary.testAccuracy * 100).toFixed(1)}%</strong>
          {summary.backend && ` on ${summary.backend}`}). Re-run it here to reproduce it.
        </span>
        <span>
          <button type="button" data-testid="share.rerun" onClick={play}>
            Re-run
          </button>{' '}
          <button type="button" className="link" onClick={clear}>
            hide
          </button>
        </span>
      </div>
      <GhostChart summary={summary} history={history} metric="loss" />
      <GhostChart summary={summary} history={history} metric="accuracy" />
    </div>
  );
}
