/**
 * Deploy slice (docs/integer.md §6): the workspace's options (bias fraction bits, the test digit
 * followed through the model) and its three jobs, each answered by the training worker: the integer
 * model with its parity, one digit through it, and the QDQ export checked in onnxruntime-web. Side
 * effects go through the injected `LabEffects`; answers of a superseded job are dropped by id.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { ClientEvent, DeployJob, DeployResult } from '../worker/protocol';
import { ladderSource } from './ptqSelectors';
import { LADDER_REFUSALS } from './ptqSlice';
import type { LabEffects, LabState } from './types';

type Kind = DeployResult['kind'];

/** The bias fraction bits offered: 0 is the int32 bias as deployed, 8 the fine bias (docs/integer.md §4). */
export const BIAS_FRAC_BITS = [0, 8] as const;

export interface DeployOptions {
  biasFracBits: number;
  /** Index of the test digit followed through the integer model. */
  digit: number;
}

export const DEPLOY_DEFAULTS: DeployOptions = { biasFracBits: 0, digit: 0 };

/** Largest test digit index (the schema's largest `data.testSize` is 2,000). */
export const MAX_DIGIT = 1999;

/** Valid options from any partial input: an offered bias, a whole digit index in range. */
export function normalizeDeployOptions(o: Partial<DeployOptions>): DeployOptions {
  const bias = o.biasFracBits ?? DEPLOY_DEFAULTS.biasFracBits;
  const digit = Math.floor(o.digit ?? DEPLOY_DEFAULTS.digit);
  return {
    biasFracBits: (BIAS_FRAC_BITS as readonly number[]).includes(bias) ? bias : DEPLOY_DEFAULTS.biasFracBits,
    digit: Number.isFinite(digit) ? Math.min(MAX_DIGIT, Math.max(0, digit)) : DEPLOY_DEFAULTS.digit,
  };
}

/** One job of the workspace and how it ended. */
export interface DeployJobState<K extends Kind> {
  id: string;
  /** The run whose model it measures, and the step that model had reached. */
  runId: string;
  step: number;
  status: 'running' | 'done' | 'error';
  result?: Extract<DeployResult, { kind: K }>;
  message?: string;
}

export interface DeploySlice {
  deployOptions: DeployOptions;
  deployInteger: DeployJobState<'integer'> | null;
  deployDigit: DeployJobState<'digit'> | null;
  deployOnnx: DeployJobState<'onnx'> | null;
  /** Jobs asked for so far (their ids: `deploy-<n>`). */
  deploySeq: number;
  /** Builds the integer model of the active run's model and measures it. */
  runIntegerModel: () => void;
  /**
   * Changes the options; a new bias re-measures the integer model, a new digit follows it through
   * (once an integer model was measured).
   */
  setDeployOptions: (patch: Partial<DeployOptions>) => void;
  /** Exports the model in QDQ form and checks it in onnxruntime-web. */
  checkOnnx: () => void;
  ingestDeploy: (events: ClientEvent[]) => void;
}

const KEYS = { integer: 'deployInteger', digit: 'deployDigit', onnx: 'deployOnnx' } as const;

/** The job's number in its id (`deploy-<n>`): later jobs have larger ones. */
export const deployJobNumber = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));

/** Applies the client events to one job (answers to other jobs are dropped). */
export function applyDeployEvents<K extends Kind>(
  job: DeployJobState<K> | null,
  events: ClientEvent[],
): DeployJobState<K> | null {
  for (const e of events) {
    if (!job || job.status !== 'running') return job;
    if (e.type === 'deployDone' && e.jobId === job.id)
      job = e.result
        ? { ...job, status: 'done', result: e.result as Extract<DeployResult, { kind: K }> }
        : { ...job, status: 'error', message: e.message ?? 'The job failed.' };
    if (e.type === 'crashed')
      job = { ...job, status: 'error', message: `The training worker crashed (${e.message}).` };
  }
  return job;
}

export function createDeploySlice(fx: LabEffects): StateCreator<LabState, [], [], DeploySlice> {
  return (set, get) => {
    /** Starts `job` over the active run's model, or records why not. */
    const launch = (job: DeployJob): void => {
      const s = get();
      const seq = s.deploySeq + 1;
      const key = KEYS[job.kind];
      const source = ladderSource(s);
      const base = { id: `deploy-${seq}`, runId: '', step: 0 };
      if (source.kind !== 'ready') {
        const message = LADDER_REFUSALS[source.kind];
        return set({ deploySeq: seq, [key]: { ...base, status: 'error', message } });
      }
      base.runId = source.run.id;
      base.step = source.run.stepsDone;
      // The last answer stays on screen until the new one arrives.
      const last = s[key]?.result;
      set({ deploySeq: seq, [key]: { ...base, status: 'running', ...(last && { result: last }) } });
      fx.deploy(base.id, base.runId, job);
    };
    return {
      deployOptions: DEPLOY_DEFAULTS,
      deployInteger: null,
      deployDigit: null,
      deployOnnx: null,
      deploySeq: 0,
      runIntegerModel: () => launch({ kind: 'integer', ...get().deployOptions }),
      setDeployOptions: (patch) => {
        const before = get().deployOptions;
        const next = normalizeDeployOptions({ ...before, ...patch });
        set({ deployOptions: next });
        if (!get().deployInteger) return;
        if (next.biasFracBits !== before.biasFracBits) launch({ kind: 'integer', ...next });
        else if (next.digit !== before.digit) launch({ kind: 'digit', ...next });
      },
      checkOnnx: () => launch({ kind: 'onnx' }),
      ingestDeploy: (events) => {
        const s = get();
        const next = {
          deployInteger: applyDeployEvents(s.deployInteger, events),
          deployDigit: applyDeployEvents(s.deployDigit, events),
          deployOnnx: applyDeployEvents(s.deployOnnx, events),
        };
        if (
          next.deployInteger !== s.deployInteger ||
          next.deployDigit !== s.deployDigit ||
          next.deployOnnx !== s.deployOnnx
        )
          set(next);
      },
    };
  };
}
