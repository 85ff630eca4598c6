/**
 * The guided tour: a non-modal dialog beside the element its step points at (a ring around that
 * element, scrolled into view), with the step's offer, a live status and Back / Next / Skip tour.
 * Keyboard: focus moves to the dialog when a step opens and back where it was when the tour closes;
 * Tab reaches its buttons, Escape skips the tour, ←/→ go back and on. A step opens the workspace its
 * targets are in. The steps are in steps.ts.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { useLab, useLabShallow } from '../../store/hooks';
import { DEFAULT_WORKSPACE } from '../../store/uiSlice';
import { useLabApi } from '../share/useLabApi';
import { TOUR_STEPS, type StepStatus, type TourStep } from './steps';
import { currentStep, neighbourStep, stepPosition, targetOf } from './tourLogic';
import { tourFacts } from './tourModel';
import { rememberTour, type TourOutcome } from './tourStorage';
import './tour.css';

const TARGET_IDS = [...new Set(TOUR_STEPS.flatMap((s) => s.targets))];
/** The workspace each target is looked for in (that of the first step naming it). */
const TARGET_WORKSPACE = new Map(
  TOUR_STEPS.flatMap((s) => s.targets.map((id) => [id, s.workspace ?? DEFAULT_WORKSPACE] as const)).reverse(),
);
/** Widest the dialog gets, px (tour.css), and its gap to the target. */
const WIDTH_PX = 340;
const GAP_PX = 14;

const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
/** The box to ring: a form field's label rather than the bare control. */
const boxOf = (el: HTMLElement) => el.closest<HTMLElement>('label.field') ?? el;
/** Shown = on the page and laid out (a class link hides controls with `display: none`). */
const isShownNow = (id: string) => (byTestId(id)?.getClientRects().length ?? 0) > 0;

interface Placement {
  ring: { top: number; left: number; width: number; height: number };
  top: number;
  left: number;
}

/** Beside the target (right, else left), else below it; in page coordinates. */
function place(target: HTMLElement): Placement {
  const r = boxOf(target).getBoundingClientRect();
  const vw = document.documentElement.clientWidth;
  const w = Math.min(WIDTH_PX, vw - 16);
  const [sx, sy] = [window.scrollX, window.scrollY];
  const ring = { top: r.top + sy - 6, left: r.left + sx - 6, width: r.width + 12, height: r.height + 12 };
  if (r.right + GAP_PX + w <= vw - 8) return { ring, top: r.top + sy, left: r.right + sx + GAP_PX };
  if (r.left - GAP_PX - w >= 8) return { ring, top: r.top + sy, left: r.left + sx - GAP_PX - w };
  const left = Math.min(Math.max(8, r.left), vw - w - 8) + sx;
  return { ring, top: r.bottom + sy + GAP_PX, left };
}

export function Tour() {
  const stepId = useLab((s) => s.tourStepId);
  return stepId ? createPortal(<TourDialog stepId={stepId} />, document.body) : null;
}

const NO_STATUS: StepStatus = { done: true, text: '' };

function TourDialog({ stepId }: { stepId: string }) {
  const store = useLabApi();
  const hiddenControls = useLab((s) => s.hiddenControls);
  const workspace = useLab((s) => s.workspace);
  const [shown, setShown] = useState<ReadonlySet<string>>(() => new Set());
  // A target in another workspace than the one shown counts as shown unless a class link hid it: the
  // step opens its workspace when it comes.
  const isShown = (id: string) =>
    shown.has(id) || (TARGET_WORKSPACE.get(id) !== workspace && !hiddenControls.includes(id));
  const step = currentStep(TOUR_STEPS, stepId, isShown);
  const status = useLabShallow((s): StepStatus => (step?.status ? step.status(tourFacts(s)) : NO_STATUS));
  const target = step ? targetOf(step, isShown) : null;
  const dialogRef = useRef<HTMLDivElement>(null);
  const [placement, setPlacement] = useState<Placement | null>(null);

  // Each step opens the workspace its targets are in (the visitor may switch away with the nav; the
  // next step brings them back).
  const stepWorkspace = step ? (step.workspace ?? DEFAULT_WORKSPACE) : null;
  useLayoutEffect(() => {
    if (stepWorkspace && store.getState().workspace !== stepWorkspace)
      store.getState().setWorkspace(stepWorkspace);
  }, [store, stepWorkspace, step?.id]);

  // Which targets are shown: read after each commit that can change the page (a step, a run, a class
  // link, a workspace), and again when a workspace's code arrives (React.lazy fills it in later).
  useLayoutEffect(() => {
    const check = () => {
      const now = new Set(TARGET_IDS.filter(isShownNow));
      setShown((prev) => (prev.size === now.size && [...now].every((id) => prev.has(id)) ? prev : now));
    };
    check();
    const host = byTestId('workspace');
    if (!host) return;
    const observer = new MutationObserver(check);
    observer.observe(host, { childList: true });
    return () => observer.disconnect();
  }, [stepId, status.text, status.done, hiddenControls, workspace]);

  // Focus goes back where it was when the tour closes (the Tour button when it opened by itself).
  useEffect(() => {
    const before = document.activeElement;
    return () => {
      const back =
        before instanceof HTMLElement && before !== document.body && before.isConnected
          ? before
          : byTestId('tour.open');
      back?.focus();
    };
  }, []);

  // A new step takes the focus; its target (or a target that appears later) scrolls into view.
  useLayoutEffect(() => dialogRef.current?.focus({ preventScroll: true }), [step?.id]);
  useLayoutEffect(() => {
    const el = target ? byTestId(target) : null;
    if (el) boxOf(el).scrollIntoView({ block: 'center', inline: 'nearest' });
  }, [step?.id, target]);

  // Position beside the target, again whenever the page's layout moves (looked up each time: a
  // panel that re-renders may have replaced the element).
  useLayoutEffect(() => {
    const el = target ? byTestId(target) : null;
    if (!target || !el) return setPlacement(null);
    const update = () => {
      const now = byTestId(target);
      setPlacement(now ? place(now) : null);
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(document.body);
    observer.observe(boxOf(el));
    window.addEventListener('resize', update);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', update);
    };
  }, [target, status.done]);

  if (!step) return null;
  const close = (outcome: TourOutcome) => {
    rememberTour(outcome);
    store.getState().closeTour();
  };
  const go = (dir: 1 | -1) => {
    const next = neighbourStep(TOUR_STEPS, step.id, dir, isShown);
    if (next) store.getState().openTourAt(next);
    else if (dir === 1) close('done');
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close('skipped');
    else if (e.key === 'ArrowRight' && e.target === e.currentTarget) go(1);
    else if (e.key === 'ArrowLeft' && e.target === e.currentTarget) go(-1);
    else return;
    e.preventDefault();
  };
  const { index, count } = stepPosition(TOUR_STEPS, step.id, isShown);
  const last = neighbourStep(TOUR_STEPS, step.id, 1, isShown) === null;
  const style = placement ? { top: placement.top, left: placement.left } : undefined;
  return (
    <>
      {placement && (
        <div className="tour-ring" aria-hidden="true" data-testid="tour.ring" style={placement.ring} />
      )}
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="false"
        aria-labelledby="tour-title"
        aria-describedby="tour-body"
        tabIndex={-1}
        className={`tour ${placement ? 'tour-beside' : 'tour-free'}`}
        style={style}
        data-testid="tour"
        data-step={step.id}
        data-target={target ?? ''}
        onKeyDown={onKeyDown}
      >
        <p className="muted small tour-count">
          Guided tour · step {index} of {count}
        </p>
        <h2 id="tour-title" className="tour-title">
          {step.title}
        </h2>
        <p id="tour-body">{step.body}</p>
        <StepOffer step={step} status={status} />
        <div className="tour-buttons">
          <button type="button" data-testid="tour.back" onClick={() => go(-1)} disabled={index <= 1}>
            Back
          </button>
          <button type="button" className="primary" data-testid="tour.next" onClick={() => go(1)}>
            {index === 1 ? 'Start' : last ? 'Finish' : 'Next'}
          </button>
          <button
            type="button"
            className="link tour-skip"
            data-testid="tour.skip"
            onClick={() => close('skipped')}
          >
            Skip tour
          </button>
        </div>
      </div>
    </>
  );
}

/** The step's offer (a button) and where it stands; the live region speaks only when the step is done. */
function StepOffer({ step, status }: { step: TourStep; status: StepStatus }) {
  const store = useLabApi();
  return (
    <>
      {step.action && (
        <button
          type="button"
          className="tour-action"
          data-testid="tour.action"
          onClick={() => step.action!.run(store.getState())}
        >
          {step.action.label}
        </button>
      )}
      {status.text && (
        <p className="small tour-status" data-testid="tour.status" data-done={status.done}>
          {status.text}
        </p>
      )}
      <p className="visually-hidden" role="status">
        {status.done && status.text ? status.text : ''}
      </p>
    </>
  );
}
