/** PyTorch CPU reference: runs bench/torch_ref.py with the first python3 that can import torch. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRecord } from '../src/bench/measure';

const SCRIPT = fileURLToPath(new URL('./torch_ref.py', import.meta.url));
// pyenv's python3 may shadow Debian's, which is where apt's python3-torch lives.
const PYTHONS = ['python3', '/usr/bin/python3'];

/** The python that imports torch, or undefined. */
export function findTorchPython(): string | undefined {
  return PYTHONS.find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}

/** Runs the reference; returns its records, or a reason when torch is not available. */
export function benchTorch(quick: boolean): { records: BenchRecord[] } | { skipped: string } {
  const py = findTorchPython();
  if (!py)
    return {
      skipped:
        'no python3 with torch importable (Debian: apt-get install python3-torch libopenblas0-pthread)',
    };
  const out = spawnSync(py, [SCRIPT, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
  if (out.status !== 0) return { skipped: `torch reference failed: ${out.stderr.trim().split('\n').pop()}` };
  const records = out.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => ({ runs: quick ? 3 : 5, stepsPerRun: 0, ...JSON.parse(l) }) as BenchRecord);
  return { records };
}
