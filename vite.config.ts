import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const page = (name: string) => fileURLToPath(new URL(`./app/${name}`, import.meta.url));

// COOP/COEP make the page cross-origin isolated, which the threaded wasm backend needs
// (SharedArrayBuffer). Both the dev server and `vite preview` (used by the e2e tests) send them.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * tfjs-wasm starts its pthreads from a Blob holding `factory.toString()`, so the factory must not
 * reference anything outside itself. Its one outer reference, `typeof _scriptDir !== "undefined" &&
 * _scriptDir`, is safe as written but the minifier renames `_scriptDir` and drops the `typeof` guard,
 * and every pthread then dies with "e is not defined". In a worker `_scriptDir` is always undefined
 * (no document.currentScript, no __filename), so the branch is removed before bundling.
 */
function threadedWasmMinifySafe(): Plugin {
  const guard = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';
  return {
    name: 'quant-lab:threaded-wasm-minify-safe',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm') || !code.includes(guard)) return null;
      return { code: code.split(guard).join(''), map: null };
    },
  };
}

export default defineConfig({
  root: 'app',
  publicDir: '../public',
  plugins: [react(), threadedWasmMinifySafe()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // The lab, and the benchmark page `npm run bench` drives in Chromium.
    rollupOptions: { input: { main: page('index.html'), bench: page('bench.html') } },
  },
  worker: { format: 'es', plugins: () => [threadedWasmMinifySafe()] },
  server: { headers: isolationHeaders, port: 5173 },
  preview: { headers: isolationHeaders, port: 4173 },
});
