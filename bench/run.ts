/**
 * `npm run bench [-- --json] [--quick] [--only node,native-int,browser,torch,sweep,ptq,hessian,mainthread,bundle]`
 *
 * Measures, in one run so ratios are comparable on a noisy shared machine: training steps/s of the
 * MLP (batch 128) and CNN (batch 64), float vs W4A4 vs W4A4 with oscillation tracking + freezing, in
 * Node per backend and in a Chromium worker per backend; the PyTorch CPU reference when importable;
 * fake-quant vs native-int training (W8A8, W4A8) in Node on wasm; sweep throughput with 1 vs 2 workers; time to first training step; main-thread long tasks while
 * the lab trains; initial bundle size (gzip); the post-training passes on the CNN (nearest + CLE +
 * bias correction at W8A8, AdaRound at W4A8) in Node and in the browser worker; the CNN's
 * Hessian-vector products and a 100-probe per-layer trace in Node and in the browser worker.
 * `--json` prints one JSON object per line; otherwise a readable report with ratios.
 */
import type { BenchRecord } from '../src/bench/measure';
import { benchNode, benchNodeHessian, benchNodeNativeInt, benchNodePtq } from './node';
import { benchTorch } from './torch';
import { benchBrowser, bundleSizes } from './browser';
import { report } from './report';

export type Line = BenchRecord | { kind: string; [key: string]: unknown };

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const onlyArg = argv.find((a) => a.startsWith('--only'));
  const only = onlyArg
    ? (onlyArg.split('=')[1] ?? argv[argv.indexOf(onlyArg) + 1] ?? '').split(',')
    : undefined;
  const want = (part: string) => !only || only.includes(part);
  const lines: Line[] = [];
  const emit = (line: Line) => {
    lines.push(line);
    if (json) console.log(JSON.stringify(line));
    else console.error(`  measured: ${JSON.stringify(line)}`);
  };

  if (want('torch')) {
    const torch = benchTorch(quick);
    if ('skipped' in torch) emit({ kind: 'note', part: 'torch', message: torch.skipped });
    else torch.records.forEach(emit);
  }
  if (want('node')) await benchNode({ quick, backends: ['wasm', 'cpu'] }, emit);
  if (want('native-int')) await benchNodeNativeInt(quick, emit);
  if (want('ptq')) await benchNodePtq(quick, emit);
  if (want('hessian')) await benchNodeHessian(quick, emit);
  if (want('bundle')) bundleSizes().forEach(emit);
  if (want('browser') || want('sweep') || want('mainthread') || want('ptq') || want('hessian'))
    await benchBrowser(
      {
        quick,
        parts: {
          training: want('browser'),
          sweep: want('sweep'),
          mainThread: want('browser') || want('mainthread'),
          ptq: want('ptq'),
          hessian: want('hessian'),
        },
      },
      emit,
    );
  if (!json) console.log(report(lines));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
