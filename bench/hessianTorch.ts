/**
 * `npx tsx bench/hessianTorch.ts CKPT [--lab hessian.json] [--batch-size N] [--probes N] [--exact-max N]`
 *
 * The lab's per-layer Hessian traces against PyTorch autograd on the same weights and the same batch
 * (docs/hessian.md §5): writes the checkpoint's float model and the batch `quant-lab hessian` draws
 * (its `sampleBatch`, the checkpoint's seed) to a temporary file, runs bench/hessian_torch.py with the
 * first python3 that imports torch (Debian: apt-get install python3-torch), and prints a table beside
 * the lab's figures from `--lab` (the JSON of `quant-lab hessian --out`). A bench script, never a test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { modelFromCheckpoint } from '../src/checkpoint';
import { readCheckpointFile } from '../src/checkpoint/node';
import { loadMnistNode } from '../src/data/node';
import { crossEntropySecondOrder, floatLogits } from '../src/hessian/hvp';
import { disposeBatch, sampleBatch } from '../src/hessian/analyze';
import { BN_EPSILON } from '../src/models/batchnorm';
import { initBackend } from '../src/tensor/backend';
import { findTorchPython } from './torch';

const SCRIPT = fileURLToPath(new URL('./hessian_torch.py', import.meta.url));

interface LabLayer {
  name: string;
  trace: number;
  traceStdErr: number;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      lab: { type: 'string' },
      'batch-size': { type: 'string', default: '128' },
      probes: { type: 'string', default: '2000' },
      'exact-max': { type: 'string', default: '5000' },
    },
  });
  const py = findTorchPython();
  if (!py) throw new Error('no python3 imports torch (Debian: apt-get install python3-torch)');
  await initBackend('cpu');
  const read = readCheckpointFile(positionals[0] ?? '');
  if (!read.ok) throw new Error(read.error);
  const built = modelFromCheckpoint(read.value);
  if (!built.ok) throw new Error(built.error);
  const model = built.model;
  const batch = sampleBatch(loadMnistNode().train, Number(values['batch-size']), read.value.experiment.seed);
  const dir = mkdtempSync(join(tmpdir(), 'hessian-torch-'));
  try {
    const flat = (t: tf.Tensor) => Array.from(t.dataSync());
    const spec = {
      bnEpsilon: BN_EPSILON,
      loss: tf.tidy(() => crossEntropySecondOrder(batch.labels, floatLogits(model, batch.x)).dataSync()[0]),
      x: flat(batch.x),
      labels: Array.from(batch.labels.argMax(1).dataSync()),
      layers: model.layers.map((l) => ({
        name: l.spec.name,
        kind: l.spec.kind,
        inShape: l.spec.inShape,
        weightShape: l.spec.weightShape,
        activation: l.spec.activation,
        pool: l.spec.pool,
        flatten: l.spec.flatten,
        weight: flat(l.weight),
        bias: l.bias ? flat(l.bias) : null,
        bn: l.bn
          ? {
              gamma: flat(l.bn.gamma),
              beta: flat(l.bn.beta),
              mean: flat(l.bn.runningMean),
              variance: flat(l.bn.runningVariance),
            }
          : null,
      })),
    };
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    const args = [SCRIPT, file, '--probes', values.probes!, '--exact-max', values['exact-max']!];
    const t0 = performance.now();
    const out = spawnSync(py, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (out.status !== 0) throw new Error('hessian_torch.py failed');
    const torch = JSON.parse(out.stdout.trim().split('\n').pop()!) as {
      loss: number;
      labLoss: number;
      torch: string;
      probes: number;
      layers: { name: string; params: number; hutchinson: number; stdErr: number; exact?: number }[];
    };
    const lab = values.lab
      ? (JSON.parse(readFileSync(values.lab, 'utf8')) as { layers: LabLayer[] }).layers
      : [];
    console.log(
      `torch ${torch.torch} (float64, ${((performance.now() - t0) / 1000).toFixed(0)} s): loss ${torch.loss.toFixed(6)}, the lab's ${torch.labLoss.toFixed(6)}`,
    );
    console.log(
      `layer    params   lab (±stderr)        torch Hutchinson ×${torch.probes} (±stderr)   torch exact`,
    );
    for (const t of torch.layers) {
      const l = lab.find((x) => x.name === t.name);
      const labText = l ? `${l.trace.toFixed(3)} ± ${l.traceStdErr.toFixed(3)}` : '—';
      console.log(
        `${t.name.padEnd(8)} ${String(t.params).padStart(6)}   ${labText.padEnd(20)} ${`${t.hutchinson.toFixed(3)} ± ${t.stdErr.toFixed(3)}`.padEnd(32)} ${t.exact?.toFixed(3) ?? '—'}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    disposeBatch(batch);
    model.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
