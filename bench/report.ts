/** Formats bench lines as a readable report with the ratios the performance issue asks for. */
import { BENCH_PRECISIONS, type BenchRecord } from '../src/bench/measure';
import type { PtqBenchRecord } from '../src/bench/ptq';
import type { HessianBenchRecord } from '../src/bench/hessian';
import type { Line } from './run';

function isRecord(line: Line): line is BenchRecord {
  return 'stepsPerSec' in line && 'env' in line;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Text report: a steps/s table, then ratios (vs PyTorch, quant/float, osc/float), then other lines. */
export function report(lines: Line[]): string {
  const records = lines.filter(isRecord);
  const find = (env: string, backend: string | undefined, model: string, precision: string) =>
    records.find(
      (r) =>
        r.env === env &&
        (!backend || r.backend === backend) &&
        r.model === model &&
        r.precision === precision,
    );
  const out: string[] = ['', 'steps/s (median ± half-range), batch: MLP 128, CNN 64', ''];
  const standard: readonly string[] = BENCH_PRECISIONS;
  const rows = [
    ...new Set(records.filter((r) => standard.includes(r.precision)).map((r) => `${r.env}\t${r.backend}`)),
  ];
  out.push(
    [
      'env/backend'.padEnd(26),
      ...['mlp', 'cnn'].flatMap((m) => ['float', 'w4a4', 'w4a4-osc'].map((p) => `${m} ${p}`.padStart(15))),
    ].join(''),
  );
  for (const row of rows) {
    const [env, backend] = row.split('\t');
    const cells = ['mlp', 'cnn'].flatMap((m) =>
      ['float', 'w4a4', 'w4a4-osc'].map((p) => {
        const r = find(env, backend, m, p);
        return (r ? `${fmt(r.stepsPerSec)}±${fmt(r.spread)}` : '–').padStart(15);
      }),
    );
    out.push([`${env}/${backend}`.padEnd(26), ...cells].join(''));
  }
  out.push('', 'ratios (same run):');
  for (const row of rows) {
    const [env, backend] = row.split('\t');
    for (const model of ['mlp', 'cnn']) {
      const float = find(env, backend, model, 'float');
      const q = find(env, backend, model, 'w4a4');
      const osc = find(env, backend, model, 'w4a4-osc');
      const torchQ = find('torch', undefined, model, 'w4a4');
      const parts: string[] = [];
      if (float && q) parts.push(`w4a4 step = ${fmt(float.stepsPerSec / q.stepsPerSec)}× float step`);
      if (float && osc)
        parts.push(`w4a4+osc+freeze step = ${fmt(float.stepsPerSec / osc.stepsPerSec)}× float step`);
      if (q && torchQ && env !== 'torch')
        parts.push(`w4a4 = ${((100 * q.stepsPerSec) / torchQ.stepsPerSec).toFixed(0)}% of PyTorch w4a4`);
      if (parts.length) out.push(`  ${env}/${backend} ${model}: ${parts.join('; ')}`);
    }
  }
  for (const model of ['mlp', 'cnn'])
    for (const bits of ['w8a8', 'w4a8']) {
      const fake = find('node', 'wasm', model, bits);
      const native = find('node', 'wasm', model, `${bits}-int`);
      if (fake && native)
        out.push(
          `  node/wasm ${model} ${bits}: fake-quant ${fmt(fake.stepsPerSec)}, native-int ${fmt(native.stepsPerSec)} steps/s = ${fmt(fake.stepsPerSec / native.stepsPerSec)}× the step time`,
        );
    }
  const kernelSets = new Map<string, string>();
  for (const r of records)
    if (r.ownKernels)
      kernelSets.set(`${r.env}/${r.backend}`, r.ownKernels.join(', ') || 'none (op-by-op fallbacks)');
  if (kernelSets.size) {
    out.push('', "Quant Lab's own kernels registered (instantiated on that backend's heap):");
    for (const [row, names] of kernelSets) out.push(`  ${row}: ${names}`);
  }
  const sweeps = lines.filter((l) => 'kind' in l && l.kind === 'sweep') as Array<
    Line & { workers: number; pool?: string; pointsPerMin: number }
  >;
  for (const pool of [...new Set(sweeps.map((r) => r.pool ?? 'cold'))]) {
    const at = (workers: number) => sweeps.find((r) => (r.pool ?? 'cold') === pool && r.workers === workers);
    const [one, two] = [at(1), at(2)];
    if (one && two) {
      out.push(
        `  browser sweep, ${pool} pool: ${fmt(one.pointsPerMin)} → ${fmt(two.pointsPerMin)} points/min = ${(two.pointsPerMin / one.pointsPerMin).toFixed(2)}× on 2 workers`,
      );
    }
  }
  const ptq = lines.filter((l) => 'kind' in l && l.kind === 'ptq') as PtqBenchRecord[];
  if (ptq.length) {
    out.push('', 'post-training passes on the CNN (calibration + quantization, median ± half-range):');
    for (const r of ptq) {
      const verdict = r.env === 'browser' ? (r.medianSec < r.targetSec ? ' — under' : ' — OVER') : '';
      out.push(
        `  ${r.env}/${r.backend} ${r.pass}: ${fmt(r.medianSec)}±${fmt(r.spread)} s (with evaluation ${fmt(r.medianWallSec)} s; target ${r.targetSec} s${verdict}), ${r.runs} run(s), accuracy ${(100 * r.testAccuracy).toFixed(2)}% vs float ${(100 * r.floatTestAccuracy).toFixed(2)}%`,
      );
    }
  }
  const hessian = lines.filter((l) => 'kind' in l && l.kind === 'hessian') as HessianBenchRecord[];
  if (hessian.length) {
    out.push(
      '',
      'Hessian of the CNN (random init; Hv median ± half-range, paired with the tap-sum reference):',
    );
    for (const r of hessian) {
      const verdict = r.env === 'browser' ? (r.trace100Sec < r.targetSec ? ' — under' : ' — OVER') : '';
      out.push(
        `  ${r.env}/${r.backend} batch ${r.batch}: Hv ${fmt(r.hvMedianSec)}±${fmt(r.hvSpread)} s (reference ${fmt(r.tapHvMedianSec)} s, ${fmt(r.speedup)}× faster), ${r.traceProbes}-probe per-layer trace ${fmt(r.traceSec)} s = ${fmt(r.trace100Sec)} s per 100 probes (target ${r.targetSec} s${verdict})`,
      );
    }
  }
  const others = lines.filter(
    (l) => !isRecord(l) && !('kind' in l && (l.kind === 'ptq' || l.kind === 'hessian')),
  );
  if (others.length) {
    out.push('', 'other measurements:');
    for (const l of others) out.push(`  ${JSON.stringify(l)}`);
  }
  return out.join('\n');
}
