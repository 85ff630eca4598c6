/**
 * Picks the fastest tfjs backend available in this worker (PERFORMANCE §1): wasm with SIMD, then
 * webgl, then cpu; `?backend=` in the page URL forces one (STYLE rule 8). All wasm binaries are
 * bundled by Vite (`?url` imports), never fetched from a CDN; cpu and webgl come with @tensorflow/tfjs
 * (imported by src/tensor/backend.ts).
 *
 * Threads: only when the page is cross-origin isolated and the machine has more than 2 cores.
 * tfjs-wasm caps its pool at hardwareConcurrency / 2, so on 2 cores the threaded binary brings
 * nothing but a SharedArrayBuffer heap (PERFORMANCE pitfall 3); we load the plain SIMD binary there.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initBackend } from '../../src/tensor/backend';
import { BACKEND_NAMES, type BackendInfo, type BackendName } from './protocol';

/** Whether the threaded wasm binary is worth loading here (pitfall 3). */
export function shouldUseThreads(isolated: boolean, cores: number): boolean {
  return isolated && cores > 2;
}

async function tryBackend(name: BackendName, requireSimd: boolean, allowThreads = true): Promise<void> {
  if (name === 'wasm') {
    // requireSimd is false only when wasm was asked for explicitly (?backend=wasm).
    if (requireSimd && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) !== true) {
      throw new Error('no WebAssembly SIMD in this browser (plain wasm is slower than webgl on a GPU)');
    }
    const threads = allowThreads && shouldUseThreads(self.crossOriginIsolated === true, navigator.hardwareConcurrency ?? 1);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads);
    // Plural setWasmPaths with explicit files; the singular form forces the non-threaded binary.
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    });
  }
  await initBackend(name);
  // A tiny op proves the backend really runs (webgl can register but fail on first shader).
  const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)));
  const value = (await probe.data())[0];
  probe.dispose();
  if (value !== 2) throw new Error(`probe returned ${value}`);
}

/**
 * Tries `prefer` (if given) then wasm → webgl → cpu; returns what runs and why others were skipped.
 * `allowThreads: false` keeps wasm single-threaded (sweep pool: one worker per core already).
 */
export async function pickBackend(prefer?: BackendName, opts: { allowThreads?: boolean } = {}): Promise<BackendInfo> {
  const order: BackendName[] = prefer
    ? [prefer, ...BACKEND_NAMES.filter((b) => b !== prefer)]
    : [...BACKEND_NAMES];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    try {
      await tryBackend(name, name !== prefer, opts.allowThreads ?? true);
      const simd = name === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
      const threads = name === 'wasm' ? getThreadsCount() : 1;
      return { name, simd, threads, skipped };
    } catch (err) {
      skipped.push({ name, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new Error(`no tfjs backend works here: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
