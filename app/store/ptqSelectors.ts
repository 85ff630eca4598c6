/**
 * The post-training ladder as the store holds it and the panel shows it (docs/ptq.md §10): which
 * run it may quantize, how worker events fill it, and the table (a column per bitwidth, the float
 * row on top, a row per rung) with each cell's state. Pure, Node-tested.
 */
import { LADDER_RUNGS } from '../../src/ptq/ladder';
import { ladderColumns, type LadderCellSummary, type LadderRequest } from '../../src/ptq/ladderRequest';
import type { ClientEvent, LadderEndStatus } from '../worker/protocol';
import type { LabState, RunState } from './types';

export type LadderStatus = 'running' | LadderEndStatus;

/** The current (or last) ladder. */
export interface LadderState {
  /** Increments per ladder; `ladder-<seq>` is its id in the worker. */
  seq: number;
  id: string;
  runId: string;
  runNumber: number;
  request: LadderRequest;
  status: LadderStatus;
  /** Stop was asked; the worker finishes the cell in progress first. */
  stopping: boolean;
  /** Why it ended early (cancelled, refused, failed). */
  message?: string;
  /** Finished cells, in the order they came (column by column, rung by rung). */
  cells: LadderCellSummary[];
}

/** Which run a ladder would quantize, or why there is none. */
export type LadderSource =
  | { kind: 'ready'; run: RunState }
  | { kind: 'none' }
  | { kind: 'training'; run: RunState }
  | { kind: 'twin'; run: RunState };

/** The worker keeps the active run's trainer while it is paused or finished (not reset or failed). */
const HOLDS_MODEL: readonly RunState['phase'][] = ['paused', 'completed', 'diverged'];
const TRAINING: readonly RunState['phase'][] = ['starting', 'running', 'pausing'];

export function ladderSource(s: Pick<LabState, 'runs' | 'activeRunId'>): LadderSource {
  const run = s.activeRunId ? (s.runs[s.activeRunId] ?? null) : null;
  if (!run || run.stepsDone === 0) return { kind: 'none' };
  if (TRAINING.includes(run.phase)) return { kind: 'training', run };
  if (!HOLDS_MODEL.includes(run.phase)) return { kind: 'none' };
  if (run.experiment.twin) return { kind: 'twin', run };
  return { kind: 'ready', run };
}

/** `ladder` ended with `status` (no-op unless it is running). */
export function endLadder(
  ladder: LadderState | null,
  status: LadderEndStatus,
  message?: string,
): LadderState | null {
  if (!ladder || ladder.status !== 'running') return ladder;
  return { ...ladder, status, stopping: false, ...(message !== undefined && { message }) };
}

/** Applies one client event to the ladder (events of another ladder are dropped). */
export function applyLadderEvent(ladder: LadderState | null, e: ClientEvent): LadderState | null {
  switch (e.type) {
    case 'ladderCell':
      return ladder && e.ladderId === ladder.id && ladder.status === 'running'
        ? { ...ladder, cells: [...ladder.cells, e.cell] }
        : ladder;
    case 'ladderDone':
      return ladder && e.ladderId === ladder.id ? endLadder(ladder, e.status, e.message) : ladder;
    case 'crashed':
      return endLadder(ladder, 'error', `The training worker crashed (${e.message}).`);
    default:
      return ladder;
  }
}

export function applyLadderEvents(ladder: LadderState | null, events: ClientEvent[]): LadderState | null {
  return events.reduce(applyLadderEvent, ladder);
}

export type LadderCellState = 'pending' | 'running' | 'done' | 'skipped';

export interface LadderTableCell {
  state: LadderCellState;
  cell?: LadderCellSummary;
}

export interface LadderTable {
  /** `key`: the bitwidth, with the calibration source after it for a compare column (test ids). */
  columns: { weightBits: number; actBits: number; key: string; label: string }[];
  /** Float test accuracy per column (null until a cell of it finished). */
  float: (number | null)[];
  rows: { rung: string; label: string; cells: LadderTableCell[] }[];
}

export const columnLabel = (weightBits: number, actBits = 8) => `W${weightBits}A${actBits}`;

/** Cells a request fills: a column per bitwidth, a row per rung plus the `qat` row when asked for. */
export function ladderCellCount(req: LadderRequest): number {
  const rows = req.rungs.length + (req.qatSteps > 0 && req.rungs.length > 0 ? 1 : 0);
  return ladderColumns(req).length * rows;
}

/** The `qat` row's label for `steps` of fine-tuning. */
export const qatRowLabel = (steps: number) => `+ ${steps} QAT steps`;

/**
 * The table of `ladder`'s request, with the `qat` row last when the request asks for it; the first
 * unfinished cell (in run order) is running.
 */
export function ladderTable(ladder: LadderState): LadderTable {
  const { request } = ladder;
  const { rungs, qatSteps } = request;
  const columns = ladderColumns(request).map((col) => ({
    weightBits: col.weightBits,
    actBits: col.actBits,
    calibData: col.calibData ?? request.calibData,
    key: col.calibData ? `${col.weightBits}-${col.calibData}` : String(col.weightBits),
    label: `${columnLabel(col.weightBits, col.actBits)}${col.calibData ? ` (${col.calibData})` : ''}`,
  }));
  const inColumn = (c: LadderCellSummary, col: (typeof columns)[number]) =>
    c.weightBits === col.weightBits && (c.calibData ?? request.calibData) === col.calibData;
  const rows: { id: string; label: string }[] = LADDER_RUNGS.filter((r) => rungs.includes(r.id));
  if (qatSteps > 0 && rows.length > 0) rows.push({ id: 'qat', label: qatRowLabel(qatSteps) });
  let runningSeen = false;
  // Run order is column-major: mark states column by column, then lay them out by row.
  const states = columns.map((col) =>
    rows.map((r): LadderTableCell => {
      const cell = ladder.cells.find((c) => c.rung === r.id && inColumn(c, col));
      if (cell) return { state: 'done', cell };
      if (ladder.status !== 'running') return { state: 'skipped' };
      if (runningSeen) return { state: 'pending' };
      runningSeen = true;
      return { state: 'running' };
    }),
  );
  return {
    columns: columns.map(({ weightBits, actBits, key, label }) => ({ weightBits, actBits, key, label })),
    float: columns.map((col) => ladder.cells.find((c) => inColumn(c, col))?.floatTestAccuracy ?? null),
    rows: rows.map((r, i) => ({ rung: r.id, label: r.label, cells: states.map((col) => col[i]!) })),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Below float by more than this (fraction), a column says QAT is where to go next. */
export const QAT_GAP = 0.01;

/** What the `qat` cell says: whether and when fine-tuning passed the column's best rung. */
export function qatVerdict(cell: LadderCellSummary): string | null {
  const q = cell.qat;
  if (!q) return null;
  const steps = q.curve.at(-1)?.step ?? 0;
  return q.stepsToPassBest === null
    ? `QAT did not pass the best rung (${pct(q.bestAccuracy)}) in ${steps} steps.`
    : `QAT passed the best rung (${pct(q.bestAccuracy)}) after ${q.stepsToPassBest} steps.`;
}

/**
 * What a finished column shows, in one sentence per column with at least two rungs done: from the
 * first rung to the last, how far below float the last one stays, and what the `qat` row changed.
 */
export function ladderTakeaways(table: LadderTable): string[] {
  return table.columns.flatMap((col, c) => {
    const done = table.rows
      .filter((r) => r.rung !== 'qat' && r.cells[c]!.cell)
      .map((r) => ({ r, cell: r.cells[c]!.cell! }));
    const qat = table.rows.find((r) => r.rung === 'qat')?.cells[c]?.cell;
    const float = table.float[c];
    if (done.length < 2 || float === null) return [];
    const first = done[0]!;
    const last = done.at(-1)!;
    const gap = float - last.cell.testAccuracy;
    const verdict =
      gap > QAT_GAP
        ? `${(100 * gap).toFixed(1)} points below float: that gap is what QAT is for.`
        : `within ${(100 * QAT_GAP).toFixed(0)} point of float (${pct(float)}): PTQ is enough here.`;
    const qatText = qat ? ` ${qatVerdict(qat)}` : '';
    return [
      `${col.label}: ${first.r.label} ${pct(first.cell.testAccuracy)} → ${last.r.label} ${pct(last.cell.testAccuracy)}, ${verdict}${qatText}`,
    ];
  });
}

export { pct as ladderPercent };
