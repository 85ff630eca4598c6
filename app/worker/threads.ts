/** How many wasm threads the training worker asks for (pure: Node-tested). */

/**
 * XNNPACK threads to ask for; 1 loads the single-threaded binary. Threads need a cross-origin
 * isolated page (SharedArrayBuffer). tfjs-wasm would take hardwareConcurrency / 2, which is 1 on a
 * 2-core machine (docs/performance.md pitfall 3); there 2 threads measured faster in `npm run bench` (MLP
 * float 1.07–1.19×, CNN 1.2–1.3×, Chromium worker), so 2 cores ask for 2.
 */
export function wasmThreadsFor(isolated: boolean, cores: number): number {
  if (!isolated || cores < 2) return 1;
  return Math.max(2, Math.floor(cores / 2));
}
