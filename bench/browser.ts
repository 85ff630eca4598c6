/**
 * Browser part of `npm run bench`: builds the app, serves it with `vite preview` (COOP/COEP on), and
 * drives Chromium (found as the e2e tests find it, scripts/chromium.ts) through the benchmark page and
 * the lab itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import type { BenchRecord } from '../src/bench/measure';
import type { Line } from './run';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium';

// QUANT_LAB_BENCH_PORT: another port, so benches in parallel checkouts do not collide.
const PORT = Number(process.env.QUANT_LAB_BENCH_PORT ?? 4199);
const BASE = `http://127.0.0.1:${PORT}`;
const DIST = 'dist';

/** Gzip sizes of what the lab's index.html loads before any worker (the initial bundle). */
export function bundleSizes(): Line[] {
  if (!existsSync(join(DIST, 'index.html'))) build();
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const files = refs.map((f) => ({ file: f, gzipBytes: gzipSync(readFileSync(join(DIST, f))).length }));
  const workers = readdirSync(join(DIST, 'assets')).filter((f) => /worker.*\.js$/.test(f));
  return [
    { kind: 'bundle', initialGzipKB: +(files.reduce((a, f) => a + f.gzipBytes, 0) / 1024).toFixed(1), files },
    ...workers.map((f) => ({
      kind: 'worker-bundle',
      file: f,
      gzipKB: +(gzipSync(readFileSync(join(DIST, 'assets', f))).length / 1024).toFixed(1),
    })),
  ];
}

function build(): void {
  const res = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error('vite build failed');
}

async function startPreview(): Promise<ChildProcess> {
  const server = spawn(
    'npx',
    ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(BASE)).ok) return server;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill();
  throw new Error('vite preview did not start');
}

async function benchPage(
  browser: Browser,
  quick: boolean,
  parts: string[],
  emit: (l: Line) => void,
): Promise<void> {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`  [bench page] ${m.text()}`));
  await page.goto(`${BASE}/bench.html?quick=${quick ? 1 : 0}&parts=${parts.join(',')}`);
  await page.waitForFunction(() => window.__bench?.done === true, undefined, {
    timeout: 30 * 60_000,
    polling: 1000,
  });
  const result = await page.evaluate(() => window.__bench);
  result.records.forEach((r: BenchRecord) => emit(r));
  result.sweep.forEach((r) => emit({ ...r }));
  result.ptq.forEach((r) => emit({ ...r }));
  result.hessian.forEach((r) => emit({ ...r }));
  result.notes.forEach((n: string) => emit({ kind: 'note', part: 'browser', message: n }));
  await page.close();
}

/**
 * Time from navigation start to the first training step in the built lab: load `/`, press play as
 * soon as the button takes clicks, and poll the store for the first step (store updates are
 * throttled to 10 Hz, so this is an upper bound by up to ~100 ms). Median of `runs` fresh pages.
 */
async function firstStep(browser: Browser, runs: number, emit: (l: Line) => void): Promise<void> {
  const times: { firstStepMs: number; clickMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    await page.getByTestId('controls.play').click();
    const clickMs = await page.evaluate(() => performance.now());
    await page.waitForFunction(() => (window.__lab?.summary().stepsDone ?? 0) > 0, undefined, {
      timeout: 60_000,
      polling: 20,
    });
    times.push({ firstStepMs: await page.evaluate(() => performance.now()), clickMs });
    await context.close();
  }
  const sorted = [...times].sort((a, b) => a.firstStepMs - b.firstStepMs);
  const mid = sorted[sorted.length >> 1];
  emit({
    kind: 'first-step',
    runs,
    medianMs: Math.round(mid.firstStepMs),
    playClickableMs: Math.round(mid.clickMs),
    allMs: times.map((t) => Math.round(t.firstStepMs)),
  });
}

/**
 * Main-thread responsiveness while the lab trains: long tasks (PerformanceObserver 'longtask', over
 * 50 ms) during 600 steps of a small MLP reporting every 2 steps, after the first reports have
 * mounted every chart. A timed quantity on a shared machine, so it is measured here, `runs` fresh
 * pages, and reported with every run's figures rather than asserted in the end-to-end tests.
 */
async function mainThread(browser: Browser, runs: number, emit: (l: Line) => void): Promise<void> {
  const perRun: { longTasks: number[]; stepsPerSec: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.addInitScript(() => localStorage.setItem('quant-lab.tour', 'done'));
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    await page.waitForFunction(() => window.__lab?.summary().backend, undefined, { timeout: 60_000 });
    await page.evaluate(() =>
      window.__lab!.setExperiment({
        seed: 1,
        data: { trainSize: 512, testSize: 256 },
        model: { arch: 'mlp', hidden: [64] },
        quant: { weight: { bits: 3 }, act: { bits: 8 } },
        train: { optimizer: 'adam', lr: 0.01, steps: 100_000, batchSize: 32, reportEvery: 2, evalEvery: 50 },
        oscillation: { sampleWeights: 4, momentum: 0.05 },
      }),
    );
    await page.getByTestId('controls.play').click();
    await page.waitForFunction(() => (window.__lab?.summary().reports ?? 0) >= 5, undefined, {
      timeout: 60_000,
    });
    const start = await page.evaluate(() => {
      const tasks: number[] = [];
      (window as unknown as { __longTasks: number[] }).__longTasks = tasks;
      new PerformanceObserver((list) =>
        list.getEntries().forEach((e) => tasks.push(Math.round(e.duration))),
      ).observe({
        type: 'longtask',
      });
      return window.__lab!.summary().stepsDone;
    });
    await page.waitForFunction((s) => (window.__lab?.summary().stepsDone ?? 0) >= s + 600, start, {
      timeout: 120_000,
      polling: 100,
    });
    perRun.push(
      await page.evaluate(() => ({
        longTasks: (window as unknown as { __longTasks: number[] }).__longTasks,
        stepsPerSec: window.__lab!.summary().stepsPerSec,
      })),
    );
    await context.close();
  }
  const counts = perRun.map((r) => r.longTasks.length).sort((a, b) => a - b);
  emit({
    kind: 'main-thread',
    runs,
    steps: 600,
    medianLongTasks: counts[counts.length >> 1],
    maxTaskMs: Math.max(0, ...perRun.flatMap((r) => r.longTasks)),
    perRun,
  });
}

/** Builds, serves and measures in Chromium; emits records and notes. */
export async function benchBrowser(
  opts: {
    quick: boolean;
    parts: { training: boolean; sweep: boolean; mainThread: boolean; ptq: boolean; hessian: boolean };
  },
  emit: (l: Line) => void,
): Promise<void> {
  build();
  const server = await startPreview();
  const found = await findChromium();
  emit({ kind: 'note', part: 'browser', message: `browser: ${found.path} (${found.source})` });
  const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
  try {
    if (opts.parts.training || opts.parts.sweep) await firstStep(browser, opts.quick ? 3 : 5, emit);
    if (opts.parts.mainThread) await mainThread(browser, opts.quick ? 3 : 5, emit);
    const parts = [
      opts.parts.sweep && 'sweep',
      opts.parts.ptq && 'ptq',
      opts.parts.hessian && 'hessian',
      opts.parts.training && 'training',
    ].filter((p): p is string => !!p);
    if (parts.length) await benchPage(browser, opts.quick, parts, emit);
  } finally {
    await browser.close();
    server.kill();
  }
}
