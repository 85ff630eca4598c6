/**
 * Hover over a chart without re-rendering it: a transparent capture rect inside the chart (using the
 * chart's recharts x scale) writes the hovered row index to a tiny channel; a cursor line and a card
 * outside the chart subscribe to it. Only those two small components re-render on mouse moves.
 * Keyboard: the capture rect is a focusable slider over the steps (arrows, Page Up/Down, Home/End).
 */
import { useState, useSyncExternalStore, type ReactNode } from 'react';
import { usePlotArea, useXAxisInverseScale, useXAxisScale } from 'recharts';

export interface HoverChannel {
  get: () => number | null;
  set: (index: number | null) => void;
  subscribe: (fn: () => void) => () => void;
}

export function createHoverChannel(): HoverChannel {
  let value: number | null = null;
  const subs = new Set<() => void>();
  return {
    get: () => value,
    set: (v) => {
      if (v === value) return;
      value = v;
      subs.forEach((fn) => fn());
    },
    subscribe: (fn) => {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

/** A channel for the lifetime of the component. */
export function useHoverChannel(): HoverChannel {
  return useState(createHoverChannel)[0];
}

export function useHovered(channel: HoverChannel): number | null {
  return useSyncExternalStore(channel.subscribe, channel.get, channel.get);
}

/** Index of the step in `steps` (ascending) nearest to `x`. */
export function nearestIndex(steps: readonly number[], x: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(steps[lo - 1] - x) <= Math.abs(steps[lo] - x) ? lo - 1 : lo;
}

/** The hovered index after `key` (null: not a key the step cursor handles). */
export function stepKeyIndex(key: string, current: number | null, count: number): number | null {
  const last = count - 1;
  const from = current ?? last;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return Math.max(0, from - (current === null ? 0 : 1));
    case 'ArrowRight':
    case 'ArrowUp':
      return Math.min(last, from + (current === null ? 0 : 1));
    case 'PageDown':
      return Math.max(0, from - 10);
    case 'PageUp':
      return Math.min(last, from + 10);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}

/** Inside a recharts chart: captures the mouse over the plot area and draws the cursor line. */
export function HoverCapture({ steps, channel }: { steps: readonly number[]; channel: HoverChannel }) {
  const area = usePlotArea();
  const inverse = useXAxisInverseScale();
  const scale = useXAxisScale();
  const hovered = useHovered(channel);
  if (!area || !inverse || !scale || steps.length === 0) return null;
  const cursorX = hovered === null || hovered >= steps.length ? null : Number(scale(steps[hovered]));
  return (
    <g className="hover-capture">
      {cursorX !== null && Number.isFinite(cursorX) && (
        <path d={`M${cursorX},${area.y}V${area.y + area.height}`} stroke="#555" strokeOpacity={0.5} />
      )}
      <rect
        x={area.x}
        y={area.y}
        width={area.width}
        height={area.height}
        fill="transparent"
        data-testid="chart.hoverArea"
        tabIndex={0}
        role="slider"
        aria-label="step cursor (arrow keys); the card beside the chart shows the values"
        aria-valuemin={steps[0]}
        aria-valuemax={steps[steps.length - 1]}
        aria-valuenow={steps[hovered ?? steps.length - 1] ?? steps[0]}
        aria-valuetext={`step ${steps[hovered ?? steps.length - 1] ?? steps[0]}`}
        onFocus={() => channel.get() === null && channel.set(steps.length - 1)}
        onBlur={() => channel.set(null)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') return channel.set(null);
          const next = stepKeyIndex(e.key, channel.get(), steps.length);
          if (next === null) return;
          e.preventDefault();
          channel.set(next);
        }}
        onMouseMove={(e) => {
          const svg = e.currentTarget.ownerSVGElement;
          if (!svg) return;
          const px = e.clientX - svg.getBoundingClientRect().left;
          channel.set(nearestIndex(steps, Number(inverse(px))));
        }}
        onMouseLeave={() => channel.set(null)}
      />
    </g>
  );
}

/**
 * Keyboard access to a hover channel: the wrapped chart is focusable, focusing it shows the last
 * step, ←/→ (Home/End) move, Escape hides; Tab moves on into the hover card's explain buttons.
 * The card hides when focus leaves the wrapper.
 */
export function KeyboardHover(props: {
  channel: HoverChannel;
  count: number;
  label: string;
  children: ReactNode;
}) {
  const { channel, count } = props;
  const move = (i: number) => channel.set(Math.min(Math.max(i, 0), count - 1));
  return (
    <div
      className="chart-keys"
      tabIndex={0}
      role="group"
      aria-label={props.label}
      onFocus={(e) => {
        if (e.target === e.currentTarget && channel.get() === null && count > 0) move(count - 1);
      }}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) channel.set(null);
      }}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget || count === 0) return;
        const i = channel.get() ?? count - 1;
        const next: Record<string, number> = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: count - 1 };
        if (e.key in next) {
          e.preventDefault();
          move(next[e.key]);
        } else if (e.key === 'Escape') channel.set(null);
      }}
    >
      {props.children}
    </div>
  );
}
