/**
 * The budgeted allocation (docs/mixed.md §2, §6): candidates, budget axis and a slider between the
 * cheapest and the most expensive allocation. Moving the slider re-solves the ILP in the worker
 * (debounced); the table shows per layer the chosen bits, Ω per candidate and the cost, with the
 * uniform allocation at the same budget beside it, and "apply" writes it into the per-layer bits.
 * The allocation frontier's chart stands above the table; a point clicked there fills the table.
 */
import { useEffect, useMemo, useRef } from 'react';
import { BUDGET_AXES } from '../../../src/mixed/allocation';
import { SENSITIVITY_BITS } from '../../../src/mixed/sensitivityQuery';
import { useLab } from '../../store/hooks';
import { allocationRows, short } from '../../store/sensitivitySelectors';
import { SelectField } from '../controls/fields';
import { AllocationPareto } from './AllocationPareto';
import { JobStatus } from './JobStatus';
import { KeepAt8 } from './KeepAt8';
import { LearnedBits } from './LearnedBits';

/** Quiet time after the last slider move before the ILP is solved again. */
export const SOLVE_DEBOUNCE_MS = 150;

const AXIS_LABEL = { bops: 'BOPs', size: 'size (bytes)', acev2: 'ACEv2' } as const;

export function AllocationPanel() {
  const o = useLab((s) => s.sensitivityOptions);
  const set = useLab((s) => s.setSensitivityOptions);
  const traces = useLab((s) => s.sensTraces);
  const job = useLab((s) => s.sensAllocation);
  const solve = useLab((s) => s.solveAllocation);
  const apply = useLab((s) => s.applyAllocation);
  const runExp = useLab((s) => (traces ? s.runs[traces.runId]?.experiment : undefined));
  const report = traces?.result?.report;
  const allocation = job?.result?.allocation;
  const picked = useLab((s) => s.sensPicked);
  const solveFrontier = useLab((s) => s.solveFrontier);
  const rows = useMemo(
    () =>
      allocation && report && runExp
        ? allocationRows(runExp, allocation, report, o.bits, o.axis, picked?.layers)
        : [],
    [allocation, report, runExp, o.bits, o.axis, picked],
  );
  const first = useRef(true);
  useEffect(() => {
    // The traces' arrival solves at once (the slice); later changes wait for the slider to rest.
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(solve, SOLVE_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [o.budget, o.axis, o.bits, solve]);
  const firstFrontier = useRef(true);
  useEffect(() => {
    // A new axis or candidate set needs a new frontier (the budget alone does not).
    if (firstFrontier.current) {
      firstFrontier.current = false;
      return;
    }
    const t = setTimeout(solveFrontier, SOLVE_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [o.axis, o.bits, solveFrontier]);
  if (!report)
    return <p className="muted small">Compute the traces first: the allocation weighs each layer by them.</p>;
  const format = (x: number) => (o.axis === 'size' ? `${short(x)} B` : short(x));
  const toggle = (b: number) =>
    set({ bits: o.bits.includes(b) ? o.bits.filter((x) => x !== b) : [...o.bits, b] });
  return (
    <div data-testid="sens.allocation">
      <fieldset className="sens-row">
        <legend>Candidate bitwidths</legend>
        {SENSITIVITY_BITS.map((b) => (
          <label key={b} className="sens-check">
            <input
              type="checkbox"
              data-testid={`sens.bits.${b}`}
              checked={o.bits.includes(b)}
              onChange={() => toggle(b)}
            />
            {b}
          </label>
        ))}
        <SelectField
          label="budget axis"
          testId="sens.axis"
          value={o.axis}
          options={BUDGET_AXES.map((a) => ({ value: a, label: AXIS_LABEL[a] }))}
          onChange={(axis) => set({ axis })}
        />
      </fieldset>
      <label className="sens-slider">
        <span>
          Budget: {o.budget}% of the way from the cheapest allocation
          {allocation && ` (${format(allocation.range.min)})`} to the most expensive
          {allocation && ` (${format(allocation.range.max)})`}
          {allocation && ` = ${format(allocation.budget)}`}
        </span>
        <input
          type="range"
          min={0}
          max={100}
          step={1}
          value={o.budget}
          data-testid="sens.budget"
          onChange={(e) => set({ budget: Number(e.target.value) })}
        />
      </label>
      <JobStatus job={job} testId="sens.allocationStatus" />
      {allocation && (
        <>
          <AllocationPareto axisLabel={AXIS_LABEL[o.axis]} />
          <table
            className="sens-table"
            data-testid="sens.allocationTable"
            data-source={picked ? 'picked' : 'slider'}
          >
            <caption>
              {picked ? (
                <>
                  Loaded from the chart: {picked.label}, ΣΩ{' '}
                  {short(rows.reduce((sum, r) => sum + (r.omega[o.bits.indexOf(r.weightBits)] ?? NaN), 0))},
                  cost {format(rows.reduce((sum, r) => sum + r.cost, 0))} (moving the slider brings its
                  allocation back)
                </>
              ) : (
                <>
                  ILP allocation: ΣΩ {short(allocation.result.objective)}, cost{' '}
                  {format(allocation.result.cost[o.axis])}
                </>
              )}
              ; uniform{' '}
              {allocation.result.uniform
                ? `${allocation.result.uniform.bits}-bit: ΣΩ ${short(allocation.result.uniform.objective)}`
                : 'none fits'}
            </caption>
            <thead>
              <tr>
                <th scope="col">layer</th>
                <th scope="col">bits (W/A)</th>
                <th scope="col">uniform</th>
                {o.bits.map((b) => (
                  <th scope="col" key={b}>
                    Ω at {b}
                  </th>
                ))}
                <th scope="col">cost</th>
                <th scope="col">
                  <span className="visually-hidden">keep at 8 bits</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name} data-testid={`sens.alloc.${r.name}`} data-bits={r.weightBits}>
                  <th scope="row">{r.name}</th>
                  <td>
                    {r.weightBits}/{r.actBits}
                  </td>
                  <td>{r.uniformBits ?? '–'}</td>
                  {r.omega.map((w, i) => (
                    <td key={o.bits[i]} className={o.bits[i] === r.weightBits ? 'sens-chosen' : undefined}>
                      {short(w)}
                    </td>
                  ))}
                  <td>{format(r.cost)}</td>
                  <td>
                    <KeepAt8 name={r.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small" data-testid="sens.shadowPrice">
            Shadow price of the budget (the dual of the budget row in the LP relaxation, solved by HiGHS):{' '}
            {allocation.shadowPrice === null
              ? 'not available here'
              : `ΣΩ falls by ${short(allocation.shadowPrice)} per ${o.axis === 'size' ? 'byte' : AXIS_LABEL[o.axis]} added`}
            .
          </p>
          <button type="button" data-testid="sens.apply" onClick={apply}>
            Apply allocation to the experiment&apos;s per-layer bits
          </button>
          <LearnedBits format={format} />
        </>
      )}
    </div>
  );
}
