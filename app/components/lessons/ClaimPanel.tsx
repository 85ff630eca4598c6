/**
 * The lesson's claim beside its run: ✔ or ✘ with the measured numbers, provisional while any of the
 * lesson's runs trains or its post-training measurement runs, and final at the end; the compare
 * runs' progress and the measurement's (MeasureLines.tsx); when the claim holds.
 */
import { useMemo } from 'react';
import { claimOf, measuringPostTraining } from '../../store/claimSelectors';
import { useLab } from '../../store/hooks';
import { selectViewedRun } from '../../store/selectors';
import { AnalysisLine, LadderLine, PruneLine } from './MeasureLines';

function verdict(holds: boolean | null, final: boolean): { mark: string; word: string; state: string } {
  if (holds === null) return { mark: '…', word: 'measuring', state: 'pending' };
  if (holds) return { mark: '✔', word: final ? 'holds' : 'holds so far', state: 'holds' };
  return { mark: '✘', word: final ? 'does not hold' : 'does not hold so far', state: 'fails' };
}

function format(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 1e5) return v.toExponential(3);
  return String(v);
}

export function ClaimPanel() {
  const run = useLab(selectViewedRun);
  const lesson = useLab((s) => (run ? s.lessons[run.id] : undefined));
  const view = useMemo(() => claimOf(run, lesson), [run, lesson]);
  if (!view) return null;
  const { claim, compare, preset, ladder, analysis, prune } = view;
  const v = verdict(claim.holds, claim.final);
  return (
    <section
      className={`claim claim-${v.state}`}
      data-testid="lesson.claim"
      data-holds={v.state}
      data-final={claim.final}
      aria-labelledby="claim-heading"
    >
      <h3 id="claim-heading" className="claim-heading">
        <span className="claim-mark" aria-hidden="true">
          {v.mark}
        </span>{' '}
        Claim {v.word}
        <span className="muted small">
          {' '}
          ·{' '}
          {claim.final
            ? 'final'
            : measuringPostTraining(view)
              ? 'provisional: measuring post-training'
              : view.runnerNote && view.compare.every((c) => c.status === 'done')
                ? 'provisional: its measurement runs in the runner'
                : 'provisional: a run is still training'}
        </span>
      </h3>
      <p className="claim-text">{claim.text}</p>
      <p className="small">
        Checked: <code data-testid="lesson.predicate">{claim.predicate}</code>
      </p>
      {Object.keys(claim.measured).length > 0 && (
        <table className="claim-measured small" data-testid="lesson.measured">
          <caption className="visually-hidden">Numbers measured on this lesson’s runs</caption>
          <tbody>
            {Object.entries(claim.measured).map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{format(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {compare.length > 0 && (
        <ul className="claim-runs small" aria-label="Comparison runs">
          {compare.map((c) => (
            <li key={c.role} data-testid={`lesson.compare.${c.role}`} data-status={c.status}>
              comparison run <strong>{c.role}</strong>:{' '}
              {c.status === 'running'
                ? `training, ${Math.round(100 * c.fraction)}%`
                : c.status === 'failed'
                  ? `failed (${c.error})`
                  : c.status}
            </li>
          ))}
        </ul>
      )}
      {ladder && <LadderLine ladder={ladder} />}
      {analysis && <AnalysisLine analysis={analysis} />}
      {prune && <PruneLine prune={prune} />}
      {view.runnerNote && (
        <p className="small" data-testid="lesson.runnerNote">
          {view.runnerNote}
        </p>
      )}
      <p className="muted small">
        When it holds: {claim.condition} <span className="hint">Lesson: {preset.title}.</span>
      </p>
    </section>
  );
}
