/**
 * End-to-end tests against the built app served by `vite preview` (npm run test:e2e builds first).
 * Headless Debian Chromium with the flags measured in PERFORMANCE pitfall 9.
 * Local overrides: QUANT_LAB_CHROMIUM (browser binary), QUANT_LAB_PORT and QUANT_LAB_DIST (serve a
 * private build on another port, so parallel work in the same checkout does not collide).
 */
import { defineConfig } from '@playwright/test';

const port = Number(process.env.QUANT_LAB_PORT ?? 4173);
const outDir = process.env.QUANT_LAB_DIST ? ` --outDir ${process.env.QUANT_LAB_DIST}` : '';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'line' : [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'on-first-retry',
    viewport: { width: 1400, height: 1000 },
    launchOptions: {
      executablePath: process.env.QUANT_LAB_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort${outDir}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
