/**
 * Per-layer ACEv2 breakdown of the current config: 100% stacked bars, the MAC term vs each
 * elementwise kind (requantization scale, bias, BN, activation, pooling), one bar per layer and the
 * total. Updates as soon as bits, QuantNorm or double quantization change (no training needed).
 */
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../../../src/cost/format';
import { costKindStyle } from '../../../src/cost/terms';
import type { CostKind } from '../../../src/cost/types';
import { BREAKDOWN_KINDS, breakdownRows, costSummary } from '../../store/costSelectors';
import { CHART_HEIGHT, CHART_MARGIN, CHART_WIDTH, ChartCard, Swatch } from '../charts/ChartCard';
import { Acev2Info } from './Acev2Info';
import { CostFormulas, CostTooltip } from './CostFormulas';
import { useCostReport } from './useCostReport';
import { useLab } from '../../store/hooks';

/** A breakdown share (already in percent) for the data table. */
const pct = (v: unknown) => `${Number(v).toFixed(1)}%`;

/** Legend and table names of the breakdown kinds (the cost term registry's labels). */
export const KIND_LABEL = Object.fromEntries(
  BREAKDOWN_KINDS.map((k) => [k, costKindStyle(k).label]),
) as Record<CostKind, string>;

/** Segment colours of the breakdown kinds (the cost term registry's colours). */
export const KIND_COLOR = Object.fromEntries(
  BREAKDOWN_KINDS.map((k) => [k, costKindStyle(k).color]),
) as Record<CostKind, string>;

export function CostBreakdownChart() {
  const report = useCostReport();
  const experiment = useLab((s) => s.experiment);
  const rows = useMemo(() => breakdownRows(report), [report]);
  const sum = costSummary(report);
  const legend = (
    <>
      {BREAKDOWN_KINDS.map((k) => (
        <span key={k}>
          <Swatch color={KIND_COLOR[k]} /> {KIND_LABEL[k]}
        </span>
      ))}
      <CostFormulas report={report} testId="cost.breakdown.formula" />
      <p
        className="cost-total"
        data-testid="cost.total"
        data-ace={sum.ace}
        data-acev2={sum.acev2}
        data-mac-share={sum.macSharePct.toFixed(2)}
      >
        Total per sample: ACE <strong data-testid="cost.total.ace">{formatCount(sum.ace)}</strong> · ACEv2
        (lab) <strong data-testid="cost.total.acev2">{formatCount(sum.acev2)}</strong> (×
        {sum.ratio.toFixed(2)}) · MACs are{' '}
        <strong data-testid="cost.total.macShare">{sum.macSharePct.toFixed(1)}%</strong> of ACEv2
      </p>
    </>
  );
  return (
    <ChartCard
      title="ACEv2 breakdown per layer (share %)"
      testId="cost.breakdown"
      points={rows.length}
      aside={<Acev2Info testId="cost.acev2.info" />}
      legend={legend}
      lookFor="Compare the blue MAC share with the rest: at low bits the elementwise work (scales, BN, ReLU) can cost as much as the multiplies."
      table={{
        columns: [
          { key: 'layer', label: 'layer' },
          ...BREAKDOWN_KINDS.map((k) => ({ key: k, label: `${KIND_LABEL[k]} share`, format: pct })),
        ],
        rows,
      }}
    >
      <BarChart width={CHART_WIDTH} height={CHART_HEIGHT} margin={CHART_MARGIN} data={rows}>
        <CartesianGrid stroke="#eee" vertical={false} />
        <XAxis dataKey="layer" tick={{ fontSize: 10 }} interval={0} />
        <YAxis
          type="number"
          domain={[0, 100]}
          ticks={[0, 25, 50, 75, 100]}
          unit="%"
          tick={{ fontSize: 10 }}
        />
        <Tooltip
          isAnimationActive={false}
          content={(p) => (
            <CostTooltip active={p.active} label={p.label} report={report} experiment={experiment} />
          )}
        />
        {BREAKDOWN_KINDS.map((k) => (
          <Bar
            key={k}
            dataKey={k}
            name={KIND_LABEL[k]}
            stackId="share"
            fill={KIND_COLOR[k]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ChartCard>
  );
}
