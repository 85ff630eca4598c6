/** How many XNNPACK threads the training worker asks tfjs-wasm for (app/worker/threads.ts). */
import { describe, expect, it } from 'vitest';
import { wasmThreadsFor } from '../../../app/worker/threads';

describe('wasmThreadsFor', () => {
  it('stays single-threaded without cross-origin isolation or a second core', () => {
    expect(wasmThreadsFor(false, 8)).toBe(1);
    expect(wasmThreadsFor(true, 1)).toBe(1);
  });
  it('uses both cores of a 2-core machine and tfjs-wasm’s cores / 2 above that', () => {
    expect(wasmThreadsFor(true, 2)).toBe(2);
    expect(wasmThreadsFor(true, 3)).toBe(2);
    expect(wasmThreadsFor(true, 8)).toBe(4);
  });
});
