/**
 * Bits learned while training (QBitOpt, docs/mixed.md §7) at the slider's budget: a QAT run whose
 * worker session re-allocates the bits every K steps from fresh Hutchinson traces and the ILP, then
 * the allocation over training: per layer, bits against step (a step chart), the cost of each
 * re-allocation against the budget, and the final allocation.
 */
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { QBITOPT_DEFAULTS } from '../../../src/experiment/schema';
import { useLab } from '../../store/hooks';
import { bitsOverTraining, costOverTraining, learnedBitsRun } from '../../store/allocationSelectors';
import { short } from '../../store/sensitivitySelectors';
import { COLORS } from '../charts/ChartCard';
import { NumberField } from '../controls/fields';

const SIZE = { width: 460, height: 190, margin: { top: 8, right: 12, bottom: 0, left: 0 } };

export function LearnedBits({ format }: { format: (x: number) => string }) {
  const budget = useLab((s) => s.sensAllocation?.result?.allocation.budget);
  const axis = useLab((s) => s.sensitivityOptions.axis);
  const learnBits = useLab((s) => s.learnBits);
  const stop = useLab((s) => s.stopLearningBits);
  const learning = useLab((s) => s.experiment.qbitopt);
  const run = useLab(learnedBitsRun);
  const [every, setEvery] = useState(QBITOPT_DEFAULTS.every);
  const [probes, setProbes] = useState(QBITOPT_DEFAULTS.probes);
  const q = run?.result?.qbitopt;
  const steps = run?.experiment.train.steps ?? 0;
  const bits = useMemo(() => (q ? bitsOverTraining(q, steps) : []), [q, steps]);
  const cost = useMemo(() => (q ? costOverTraining(q) : []), [q]);
  const layers = q?.final.layers ?? [];
  return (
    <div data-testid="sens.qbitopt">
      <p className="sens-advice">
        Or learn the bits while training (QBitOpt): a QAT run that re-estimates the traces on the model being
        trained every K steps and re-solves the allocation under the same budget, bits fixed for the last{' '}
        {QBITOPT_DEFAULTS.freeze * 100}% of the steps.
      </p>
      <div className="sens-row">
        <NumberField
          label="every K steps"
          testId="sens.qbitopt.every"
          value={every}
          min={1}
          step={10}
          onChange={(v) => v && setEvery(v)}
        />
        <NumberField
          label="probes"
          testId="sens.qbitopt.probes"
          value={probes}
          min={1}
          max={200}
          step={1}
          onChange={(v) => v && setProbes(v)}
        />
        <button
          type="button"
          data-testid="sens.qbitopt.start"
          disabled={budget === undefined}
          onClick={() => learnBits({ every, probes })}
        >
          Learn the bits while training (QBitOpt) at{' '}
          {budget === undefined ? 'the budget' : `${format(budget)} ${axis}`}
        </button>
        {learning && (
          <button type="button" className="link" data-testid="sens.qbitopt.off" onClick={stop}>
            stop learning bits in the next runs
          </button>
        )}
      </div>
      {run && !q && (
        <p className="muted small" role="status" data-testid="sens.qbitopt.status">
          Run {run.number} learns its bits: {run.phase}, step {run.stepsDone} of {steps}
          {run.reason ? ` (${run.reason})` : ''}.
        </p>
      )}
      {run && q && (
        <>
          <figure className="sens-figure" data-testid="sens.qbitopt.bitsChart" data-points={q.history.length}>
            <LineChart {...SIZE} data={bits}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="step" type="number" domain={[0, steps]} tick={{ fontSize: 10 }} />
              <YAxis domain={[0, 8]} ticks={[2, 3, 4, 5, 6, 7, 8]} tick={{ fontSize: 10 }} />
              <Tooltip />
              <Legend />
              {layers.map((l, i) => (
                <Line
                  key={l.name}
                  dataKey={l.name}
                  type="stepAfter"
                  stroke={COLORS[i % COLORS.length]}
                  dot
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
            <figcaption className="muted small">
              Run {run.number}: weight bits per layer against step ({q.history.length} re-allocations, bits
              fixed from step {Number.isFinite(q.freezeStep) ? q.freezeStep : steps}).
            </figcaption>
          </figure>
          <figure className="sens-figure" data-testid="sens.qbitopt.costChart" data-points={cost.length}>
            <LineChart {...SIZE} data={cost}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="step" type="number" domain={[0, steps]} tick={{ fontSize: 10 }} />
              <YAxis tickFormatter={short} tick={{ fontSize: 10 }} domain={[0, 'auto']} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? short(v) : String(v))} />
              <ReferenceLine
                y={q.budget.value}
                stroke={COLORS[3]}
                strokeDasharray="4 3"
                label={{ value: 'budget', fontSize: 10 }}
              />
              <Line
                dataKey="cost"
                name={`cost (${q.budget.axis})`}
                type="stepAfter"
                stroke={COLORS[0]}
                dot
                isAnimationActive={false}
              />
            </LineChart>
          </figure>
          <table
            className="sens-table"
            data-testid="sens.qbitopt.final"
            data-cost={q.final.cost[q.budget.axis]}
            data-budget={q.budget.value}
          >
            <caption>
              Final allocation of run {run.number}: cost {short(q.final.cost[q.budget.axis])} of the budget{' '}
              {short(q.budget.value)} ({q.budget.axis})
              {run.result && `, test accuracy ${(100 * run.result.testAccuracy).toFixed(2)}%`}
            </caption>
            <thead>
              <tr>
                <th scope="col">layer</th>
                <th scope="col">bits (W/A)</th>
              </tr>
            </thead>
            <tbody>
              {layers.map((l) => (
                <tr key={l.name}>
                  <th scope="row">{l.name}</th>
                  <td>
                    {l.weightBits}/{l.actBits}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
