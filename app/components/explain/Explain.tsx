/**
 * A small popover that explains one number: opens on hover AND on keyboard focus, closes on Escape
 * or when both leave, and is announced through aria-describedby. Its content is built only while it
 * is open (`explain` is a function), so closed tooltips cost nothing while a run trains.
 */
import { useId, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { Explanation } from './formulas';

/** Renders an explanation: title, each formula with its filled-in form, and notes. */
export function ExplanationView({ explanation }: { explanation: Explanation }) {
  return (
    <>
      <strong className="explain-title">{explanation.title}</strong>
      {explanation.lines.map((l) => (
        <span key={l.label} className="explain-line" data-label={l.label}>
          <span className="explain-label">{l.label}: </span>
          <code className="explain-formula">{l.formula}</code>
          <span className="explain-filled">{l.filled}</span>
        </span>
      ))}
      {explanation.notes.map((n) => (
        <span key={n} className="explain-note">
          {n}
        </span>
      ))}
    </>
  );
}

function isExplanation(c: unknown): c is Explanation {
  return typeof c === 'object' && c !== null && 'lines' in c && 'title' in c;
}

export function Explain(props: {
  /** Builds the content when the tooltip opens: an Explanation or any plain text/markup. */
  explain: () => Explanation | ReactNode;
  /** The trigger's visible content (a value); default an "i" badge named by `label`. */
  children?: ReactNode;
  /** Accessible name of an "i" trigger (e.g. "About the grids"). */
  label?: string;
  testId?: string;
  /**
   * Render the open tooltip into this element, in the flow (a slot under a hover card's table,
   * where a floating box would be clipped by the chart), instead of floating under the trigger.
   */
  slot?: HTMLElement | null;
}) {
  const id = useId();
  const [hover, setHover] = useState(false);
  const [focus, setFocus] = useState(false);
  const open = hover || focus;
  const content = open ? props.explain() : null;
  const tip = (
    <span
      role="tooltip"
      id={id}
      className={props.slot ? 'explain-tip explain-slotted' : 'explain-tip'}
      data-testid={props.testId ? `${props.testId}.tip` : undefined}
    >
      {isExplanation(content) ? <ExplanationView explanation={content} /> : content}
    </span>
  );
  return (
    <span className="explain" onMouseEnter={() => setHover(true)} onMouseLeave={() => setHover(false)}>
      <button
        type="button"
        className={props.children === undefined ? 'explain-trigger explain-i' : 'explain-trigger'}
        data-testid={props.testId}
        aria-label={props.children === undefined ? (props.label ?? 'Explain') : undefined}
        aria-describedby={open ? id : undefined}
        aria-expanded={open}
        onFocus={() => setFocus(true)}
        onBlur={() => setFocus(false)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setHover(false);
            setFocus(false);
          }
        }}
      >
        {props.children ?? 'i'}
      </button>
      {open && (props.slot ? createPortal(tip, props.slot) : tip)}
    </span>
  );
}
