/**
 * The repo documents itself: the README stays short enough to read in five minutes, and nothing in
 * the code, tests, bench or README points at documents outside the repo or at issue numbers
 * (docs/ is the source).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? files(path)
      : /\.(ts|tsx|mjs|js|css|wat|md)$/.test(name)
        ? [path]
        : [];
  });
}

describe('the repo documents itself', () => {
  it('the README is at most 12 kB', () => {
    expect(Buffer.byteLength(readFileSync('README.md', 'utf8'))).toBeLessThanOrEqual(12_000);
  });

  it('nothing points outside the repo or names an issue number', () => {
    const outside =
      /\bSCIENCE(\.md| §)|\bPERFORMANCE(\.md| pitfall)|\bARCHITECTURE\.md|\bSTYLE rule|\.\.\/shared\/|\b[Ii]ssue #?\d+/;
    const hits = ['src', 'app', 'tests', 'bench', 'scripts']
      .flatMap(files)
      .concat(['README.md', 'CONTRIBUTING.md'])
      .filter((f) => !f.endsWith('docs.test.ts'))
      .filter((f) => outside.test(readFileSync(f, 'utf8')));
    expect(hits).toEqual([]);
  });
});
