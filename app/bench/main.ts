/**
 * Benchmark page (`/bench.html?quick=1`): runs each backend configuration in a fresh worker (the wasm
 * SIMD choice is fixed at backend init) and exposes the results as `window.__bench` for bench/browser.ts.
 */
import type { BenchRecord } from '../../src/bench/measure';
import type { PtqBenchRecord } from '../../src/bench/ptq';
import type { HessianBenchRecord } from '../../src/bench/hessian';
import { benchSweep, type SweepBenchRecord } from './sweepBench';
import type { BenchConfig, BenchEvent } from './protocol';

interface BenchState {
  done: boolean;
  records: BenchRecord[];
  notes: string[];
  /** `parts=sweep`: browser sweep points/min on 1 and 2 workers. */
  sweep: SweepBenchRecord[];
  /** `parts=ptq`: the post-training passes on the CNN, in the lab's own worker configuration. */
  ptq: PtqBenchRecord[];
  /** `parts=hessian`: the CNN's Hessian-vector products and trace, in the lab's worker configuration. */
  hessian: HessianBenchRecord[];
}

declare global {
  interface Window {
    __bench: BenchState;
  }
}

const state: BenchState = { done: false, records: [], notes: [], sweep: [], ptq: [], hessian: [] };
window.__bench = state;
const out = document.getElementById('out')!;
const log = (line: string) => (out.textContent += `\n${line}`);

function runConfig(config: BenchConfig): Promise<void> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<BenchEvent>) => {
      const ev = e.data;
      if (ev.type === 'record') {
        state.records.push(ev.record);
        log(JSON.stringify(ev.record));
      } else if (ev.type === 'ptq') {
        state.ptq.push(ev.record);
        log(JSON.stringify(ev.record));
      } else if (ev.type === 'hessian') {
        state.hessian.push(ev.record);
        log(JSON.stringify(ev.record));
      } else if (ev.type === 'skipped') {
        state.notes.push(ev.reason);
        log(`skipped: ${ev.reason}`);
      } else {
        worker.terminate();
        resolve();
      }
    };
    worker.onerror = (e) => {
      state.notes.push(`${config.backend}: worker crashed: ${e.message}`);
      worker.terminate();
      resolve();
    };
    worker.postMessage(config);
  });
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const quick = params.get('quick') === '1';
  // `parts=training,sweep` picks what runs; default: training only (as before the sweep part existed).
  const parts = (params.get('parts') ?? 'training').split(',');
  if (parts.includes('sweep')) {
    state.sweep = await benchSweep(quick, log).catch((err: unknown) => {
      state.notes.push(`sweep: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    });
  }
  // The lab's worker configuration: wasm + SIMD on the thread pool when the page is isolated.
  if (parts.includes('ptq'))
    await runConfig({ backend: 'wasm', simd: true, quick, threads: true, task: 'ptq' });
  if (parts.includes('hessian'))
    await runConfig({ backend: 'wasm', simd: true, quick, threads: true, task: 'hessian' });
  if (!parts.includes('training')) {
    state.done = true;
    log('done');
    return;
  }
  // The lab's own configuration (wasm + SIMD on the thread pool) first: in one of three runs a
  // threaded worker started after another wasm worker of this page was no faster than one thread.
  const backends = (params.get('backends') ?? 'wasm-simd-threads,wasm-simd,wasm,webgl,cpu').split(',');
  const configs: BenchConfig[] = backends.map((b) =>
    b === 'wasm-simd'
      ? { backend: 'wasm', simd: true, quick }
      : b === 'wasm-simd-threads'
        ? { backend: 'wasm', simd: true, quick, threads: true }
        : { backend: b as BenchConfig['backend'], simd: false, quick },
  );
  if (!self.crossOriginIsolated)
    state.notes.push('wasm threads not measured: the page is not cross-origin isolated');
  for (const config of configs) await runConfig(config);
  state.done = true;
  log('done');
}

void main();
