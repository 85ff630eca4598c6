/** ACE vs the lab's ACEv2, side by side per layer and in total (log scale): the elementwise overhead. */
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../../../src/cost/format';
import { logAxis } from '../../store/axes';
import { breakdownRows } from '../../store/costSelectors';
import { CHART_HEIGHT, CHART_MARGIN, CHART_WIDTH, ChartCard, Swatch } from '../charts/ChartCard';
import { Acev2Info } from './Acev2Info';
import { CostFormulas, CostTooltip } from './CostFormulas';
import { useCostReport } from './useCostReport';
import { useLab } from '../../store/hooks';

const ACE_COLOR = '#1f77b4';
const ACEV2_COLOR = '#e8710a';

export function AceCompareChart() {
  const report = useCostReport();
  const experiment = useLab((s) => s.experiment);
  const rows = useMemo(() => breakdownRows(report), [report]);
  const y = useMemo(() => {
    const values = rows.flatMap((r) => [r.ace, r.acev2]).filter((v) => v > 0);
    // A decade of headroom below the smallest bar, so it is not drawn as a sliver on the baseline.
    return logAxis(Math.min(...values) / 10, Math.max(...values));
  }, [rows]);
  const legend = (
    <>
      <Swatch color={ACE_COLOR} /> ACE (MACs·b_w·b_a) <Swatch color={ACEV2_COLOR} /> ACEv2 (lab){' '}
      <Acev2Info testId="cost.aceVsAcev2.info" />{' '}
      <CostFormulas report={report} testId="cost.aceVsAcev2.formula" />
    </>
  );
  return (
    <ChartCard
      title="ACE vs ACEv2 per layer (log)"
      testId="cost.aceVsAcev2"
      points={rows.length}
      legend={legend}
      lookFor="The gap between the two bars of a layer is the elementwise work ACE leaves out; it grows as weights get narrower."
      table={{
        columns: [
          { key: 'layer', label: 'layer' },
          { key: 'ace', label: 'ACE', format: formatCount },
          { key: 'acev2', label: 'ACEv2 (lab)', format: formatCount },
        ],
        rows,
      }}
    >
      <BarChart width={CHART_WIDTH} height={CHART_HEIGHT} margin={{ ...CHART_MARGIN, left: 4 }} data={rows}>
        <CartesianGrid stroke="#eee" vertical={false} />
        <XAxis dataKey="layer" tick={{ fontSize: 10 }} interval={0} />
        <YAxis
          type="number"
          scale="log"
          domain={y.domain}
          ticks={y.ticks}
          allowDataOverflow
          tickFormatter={formatCount}
          tick={{ fontSize: 10 }}
        />
        <Tooltip
          isAnimationActive={false}
          content={(p) => (
            <CostTooltip active={p.active} label={p.label} report={report} experiment={experiment} />
          )}
        />
        <Bar dataKey="ace" name="ACE" fill={ACE_COLOR} isAnimationActive={false} />
        <Bar dataKey="acev2" name="ACEv2 (lab)" fill={ACEV2_COLOR} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}
