/**
 * Picks the fastest tfjs backend available in this worker (docs/performance.md §1): wasm with SIMD, then
 * webgl, then cpu; `?backend=` in the page URL forces one (docs/style.md rule 8). All wasm binaries are
 * bundled by Vite (`?url` imports), never fetched from a CDN; cpu and webgl come with @tensorflow/tfjs
 * (imported by src/tensor/backend.ts).
 *
 * Threads: when the page is cross-origin isolated, wasm runs XNNPACK on a thread pool (see
 * wasmThreadsFor). The threaded binary is made minification-safe by a plugin in vite.config.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initBackend, selectOps } from '../../src/tensor/backend';
import { BACKEND_NAMES, type BackendInfo, type BackendName } from './protocol';
import { isSoftwareRenderer } from './renderer';
import { wasmThreadsFor } from './threads';

/**
 * Makes tfjs-wasm create `threads` pool threads. Its C++ clamps the request to
 * hardwareConcurrency / 2, so this worker reports at least twice the threads as its core count
 * (nothing else in a training worker reads it).
 */
function requestThreads(threads: number): void {
  const cores = navigator.hardwareConcurrency ?? 1;
  if (cores < 2 * threads) {
    Object.defineProperty(Object.getPrototypeOf(navigator), 'hardwareConcurrency', {
      get: () => 2 * threads,
      configurable: true,
    });
  }
  setThreadsCount(threads);
}

async function tryBackend(name: BackendName, requireSimd: boolean, allowThreads = true): Promise<void> {
  if (name === 'wasm') {
    // requireSimd is false only when wasm was asked for explicitly (?backend=wasm).
    if (requireSimd && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) !== true) {
      throw new Error('no WebAssembly SIMD in this browser (plain wasm is slower than webgl on a GPU)');
    }
    const threads = allowThreads
      ? wasmThreadsFor(self.crossOriginIsolated === true, navigator.hardwareConcurrency ?? 1)
      : 1;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
    if (threads > 1) requestThreads(threads);
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

/** The WebGL renderer this worker would get (unmasked when allowed), or null without WebGL. */
function glRenderer(): string | null {
  try {
    const gl =
      new OffscreenCanvas(1, 1).getContext('webgl2') ?? new OffscreenCanvas(1, 1).getContext('webgl');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return null;
  }
}

/**
 * Milliseconds of a training-shaped probe on the active backend: the MLP's first layer (batch 128,
 * 784 → 256) forward and weight gradient through the op set the trainer uses, median of 3 after
 * a warm-up (the warm-up also compiles webgl's shaders).
 */
async function probeMs(): Promise<number> {
  const ops = selectOps();
  const x = tf.randomNormal([128, 784]) as tf.Tensor2D;
  const w = tf.variable(tf.randomNormal([784, 256], 0, 0.05));
  const once = async () => {
    const t0 = performance.now();
    const g = tf.tidy(
      () =>
        tf.variableGrads(() => tf.sum(tf.relu(ops.matMul(x, w as tf.Tensor2D, false))), [w]).grads[w.name],
    );
    await g.data();
    g.dispose();
    return performance.now() - t0;
  };
  try {
    await once();
    const times = [await once(), await once(), await once()].sort((a, b) => a - b);
    return times[1];
  } finally {
    tf.dispose([x, w]);
  }
}

/**
 * With wasm picked and a hardware WebGL renderer available, measures both on a probe and keeps the
 * faster; software GL (SwiftShader, llvmpipe) is skipped without measuring. Returns the reason.
 */
async function measureAgainstWebgl(info: BackendInfo): Promise<BackendInfo> {
  const renderer = glRenderer();
  if (!renderer) return { ...info, why: 'wasm + SIMD; no WebGL here' };
  if (isSoftwareRenderer(renderer))
    return { ...info, why: `wasm + SIMD; WebGL is software-rendered here (${renderer}), far slower` };
  const wasmMs = await probeMs();
  try {
    await tryBackend('webgl', true);
    const webglMs = await probeMs();
    const measured = `probe: wasm ${wasmMs.toFixed(1)} ms, webgl ${webglMs.toFixed(1)} ms (${renderer})`;
    if (webglMs < wasmMs)
      return {
        name: 'webgl',
        simd: false,
        threads: 1,
        skipped: info.skipped,
        why: `measured faster; ${measured}`,
      };
    await initBackend('wasm');
    return { ...info, why: `measured faster; ${measured}` };
  } catch (err) {
    await initBackend('wasm');
    return {
      ...info,
      skipped: [...info.skipped, { name: 'webgl', reason: err instanceof Error ? err.message : String(err) }],
    };
  }
}

/**
 * Tries `prefer` (if given) then wasm → webgl → cpu; returns what runs and why others were skipped.
 * Without `prefer`, wasm is then measured against a hardware WebGL (see measureAgainstWebgl).
 * `allowThreads: false` keeps wasm single-threaded (sweep pool: one worker per core already; the
 * benchmark's single-thread configuration).
 */
export async function pickBackend(
  prefer?: BackendName,
  opts: { allowThreads?: boolean } = {},
): Promise<BackendInfo> {
  const order: BackendName[] = prefer
    ? [prefer, ...BACKEND_NAMES.filter((b) => b !== prefer)]
    : [...BACKEND_NAMES];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    try {
      await tryBackend(name, name !== prefer, opts.allowThreads ?? true);
      const simd = name === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
      const threads = name === 'wasm' ? getThreadsCount() : 1;
      const info: BackendInfo = { name, simd, threads, skipped };
      if (prefer || name !== 'wasm') return prefer ? { ...info, why: 'asked for with ?backend=' } : info;
      return await measureAgainstWebgl(info);
    } catch (err) {
      skipped.push({ name, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new Error(`no tfjs backend works here: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
