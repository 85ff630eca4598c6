/**
 * Whether a WebGL renderer string names a software rasterizer. There tfjs-webgl is far slower than
 * wasm + SIMD (`npm run bench`, SwiftShader: 7× slower on the W4A4 MLP, 18× on the CNN), so the
 * worker does not spend start-up time measuring it; on a real GPU it measures both and keeps the
 * faster (app/worker/backend.ts).
 */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i.test(renderer);
}
