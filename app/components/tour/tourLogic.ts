/**
 * The tour's navigation (pure, Node-tested): which steps are shown on this page, which one is
 * current, what comes before and after it, and whether the tour opens when the lab starts.
 */
import type { DecodedLink } from '../../../src/experiment/url';
import type { TourStep } from './steps';

/** Whether the element with this test id is on the page and shown (a class link may hide controls). */
export type IsShown = (testId: string) => boolean;

/** The test id the step points at: its first target shown; null when none is (or it has none). */
export function targetOf(step: TourStep, isShown: IsShown): string | null {
  return step.targets.find((id) => isShown(id)) ?? null;
}

/** An optional step whose targets are all hidden is skipped; every other step is shown. */
export function isStepShown(step: TourStep, isShown: IsShown): boolean {
  return !step.optional || targetOf(step, isShown) !== null;
}

/** The steps shown on this page, in order. */
export function shownSteps(steps: readonly TourStep[], isShown: IsShown): TourStep[] {
  return steps.filter((s) => isStepShown(s, isShown));
}

/**
 * The step to show for `id`: that step, or when it is skipped the next shown one (the previous one
 * at the end); null when the tour is closed or no step is shown.
 */
export function currentStep(
  steps: readonly TourStep[],
  id: string | null,
  isShown: IsShown,
): TourStep | null {
  const at = steps.findIndex((s) => s.id === id);
  if (at < 0) return null;
  const later = steps.slice(at).find((s) => isStepShown(s, isShown));
  return (
    later ??
    steps
      .slice(0, at)
      .reverse()
      .find((s) => isStepShown(s, isShown)) ??
    null
  );
}

/** Id of the shown step after (`dir` 1) or before (-1) step `id`; null past either end. */
export function neighbourStep(
  steps: readonly TourStep[],
  id: string,
  dir: 1 | -1,
  isShown: IsShown,
): string | null {
  const shown = shownSteps(steps, isShown);
  const at = shown.findIndex((s) => s.id === id);
  if (at < 0) return null;
  return shown[at + dir]?.id ?? null;
}

/** 1-based position of step `id` among the shown steps, and how many are shown ("step 2 of 5"). */
export function stepPosition(
  steps: readonly TourStep[],
  id: string,
  isShown: IsShown,
): { index: number; count: number } {
  const shown = shownSteps(steps, isShown);
  return { index: shown.findIndex((s) => s.id === id) + 1, count: shown.length };
}

/** What the opening URL held: nothing, an experiment, a shared result, or a link that failed to open. */
export type OpenedWith = 'plain' | 'experiment' | 'result' | 'error';

/** What the opening URL held, from its decoded link (null: no link). */
export function openedWith(link: DecodedLink | null): OpenedWith {
  if (!link) return 'plain';
  if (!link.ok) return 'error';
  return link.summary ? 'result' : 'experiment';
}

/**
 * Whether the tour opens when the lab starts: always when the URL asks for it; otherwise on a first
 * visit (no tour seen in this browser), unless the URL opened a shared result or failed to open
 * (the visitor came to look at something else, or has a message to read first).
 */
export function shouldOpenTourAtStart(o: { asked: boolean; seen: boolean; openedWith: OpenedWith }): boolean {
  if (o.asked) return true;
  if (o.seen) return false;
  return o.openedWith === 'plain' || o.openedWith === 'experiment';
}
