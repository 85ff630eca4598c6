/** Playground-style transport: play/pause, step, reset, the step/epoch counter and auto-pause. */
import { useMemo } from 'react';
import { useLab, useLabShallow } from '../../store/hooks';
import { activeRun } from '../../store/runSlice';
import { progressOf } from '../../store/selectors';
import { NumberField } from './fields';

const PHASE_TEXT: Record<string, string> = {
  idle: 'ready',
  starting: 'loading data, building the model…',
  running: 'training',
  pausing: 'pausing…',
  paused: 'paused',
  completed: 'done',
  diverged: 'diverged',
  stopped: 'stopped',
  crashed: 'worker crashed',
  failed: 'failed',
};

/** Inline icons (no icon font: every glyph renders the same everywhere). */
const ICON = {
  play: 'M8 5v14l11-7z',
  pause: 'M6 5h4v14H6zM14 5h4v14h-4z',
  step: 'M6 5v14l9-7zM16 5h3v14h-3z',
  reset: 'M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z',
};

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path d={d} fill="currentColor" />
    </svg>
  );
}

export function Transport() {
  const run = useLab(activeRun);
  const progress = useMemo(() => progressOf(run), [run]);
  const reportEvery = useLab((s) => s.experiment.train.reportEvery);
  const { play, pause, step, reset, autoPauseAfter, setAutoPauseAfter } = useLabShallow((s) => ({
    play: s.play,
    pause: s.pause,
    step: s.step,
    reset: s.reset,
    autoPauseAfter: s.autoPauseAfter,
    setAutoPauseAfter: s.setAutoPauseAfter,
  }));
  const playing = progress.phase === 'running' || progress.phase === 'starting';
  return (
    <div className="transport" data-testid="controls.transport">
      <button
        type="button"
        className="round"
        data-testid="controls.reset"
        onClick={reset}
        title="Reset: stop the run and start over"
        aria-label="Reset"
      >
        <Icon d={ICON.reset} />
      </button>
      <button
        type="button"
        className="round play"
        data-testid={playing ? 'controls.pause' : 'controls.play'}
        onClick={playing ? pause : play}
        title={playing ? 'Pause' : 'Play'}
        aria-label={playing ? 'Pause' : 'Play'}
      >
        <Icon d={playing ? ICON.pause : ICON.play} />
      </button>
      <button
        type="button"
        className="round"
        data-testid="controls.step"
        onClick={step}
        title={`Step: train ${reportEvery} steps (one report), then pause`}
        aria-label="Step"
      >
        <Icon d={ICON.step} />
      </button>
      <div className="counter">
        <div className="counter-main" data-testid="controls.stepCounter" data-step={progress.step}>
          step {progress.step.toLocaleString('en-US')}
          {progress.total > 0 && <span className="muted"> / {progress.total.toLocaleString('en-US')}</span>}
        </div>
        <div className="muted small">
          epoch {progress.epoch.toFixed(2)} ·{' '}
          {progress.stepsPerSec > 0 ? `${progress.stepsPerSec.toFixed(1)} steps/s` : '–'} ·{' '}
          <span data-testid="controls.phase" data-phase={progress.phase}>
            {PHASE_TEXT[progress.phase]}
          </span>
        </div>
      </div>
      <NumberField
        label="auto-pause every"
        testId="controls.autoPause"
        value={autoPauseAfter}
        min={1}
        step={10}
        placeholder="off"
        onChange={setAutoPauseAfter}
        title="Pause automatically after this many steps of each play (empty: run to the end)"
      />
    </div>
  );
}
