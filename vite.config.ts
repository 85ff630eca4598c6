import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const page = (name: string) => fileURLToPath(new URL(`./app/${name}`, import.meta.url));

// COOP/COEP make the page cross-origin isolated, which the threaded wasm backend needs
// (SharedArrayBuffer). Both the dev server and `vite preview` (used by the e2e tests) send them.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: 'app',
  publicDir: '../public',
  plugins: [react()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // The lab, and the benchmark page `npm run bench` drives in Chromium.
    rollupOptions: { input: { main: page('index.html'), bench: page('bench.html') } },
  },
  worker: { format: 'es' },
  server: { headers: isolationHeaders, port: 5173 },
  preview: { headers: isolationHeaders, port: 4173 },
});
