/** Which WebGL renderers the worker skips without measuring (app/worker/renderer.ts). */
import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer } from '../../../app/worker/renderer';

describe('isSoftwareRenderer', () => {
  it('recognizes software rasterizers and not GPUs', () => {
    for (const r of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'Microsoft Basic Render Driver',
    ])
      expect(isSoftwareRenderer(r), r).toBe(true);
    for (const r of [
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)',
      'Apple M2',
      'Mali-G78',
    ])
      expect(isSoftwareRenderer(r), r).toBe(false);
  });
});
