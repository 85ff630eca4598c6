/**
 * The layering of src/ (docs/architecture.md, "Layers and their boundaries"), checked on the
 * import lines of each file: src/experiment never imports src/train (the result types it shares
 * with the trainer live in src/experiment/result.ts), and the pure modules import tfjs as types
 * only, so the cost models, the schema and the layer registry load without it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The module specifiers a file imports or re-exports, with whether the import is type-only. */
function importsOf(text: string): { from: string; typeOnly: boolean }[] {
  const re = /^(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  return [...text.matchAll(re)].map((m) => ({ from: m[3], typeOnly: m[2] !== undefined }));
}

const PURE = [
  ...files('src/cost'),
  ...files('src/experiment'),
  ...files('src/models/layers'),
  'src/models/archs.ts',
  'src/models/spec.ts',
];

describe('layering of src/', () => {
  it('reads import lines, type-only or not', () => {
    const text =
      "import * as tf from '@tensorflow/tfjs';\nimport type { A } from '../train/types';\nexport { b } from './b';\n";
    expect(importsOf(text)).toEqual([
      { from: '@tensorflow/tfjs', typeOnly: false },
      { from: '../train/types', typeOnly: true },
      { from: './b', typeOnly: false },
    ]);
  });

  it('src/experiment imports nothing from src/train, not even types', () => {
    const hits = files('src/experiment').filter((f) =>
      importsOf(readFileSync(f, 'utf8')).some((i) => i.from.startsWith('../train')),
    );
    expect(hits).toEqual([]);
  });

  it('the pure modules import tfjs as types only', () => {
    expect(PURE.length).toBeGreaterThan(10);
    const hits = PURE.filter((f) =>
      importsOf(readFileSync(f, 'utf8')).some((i) => i.from.startsWith('@tensorflow') && !i.typeOnly),
    );
    expect(hits).toEqual([]);
  });
});
