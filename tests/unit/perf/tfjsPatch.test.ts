/**
 * patches/@tensorflow+tfjs-core+*.patch (applied by `npm install`'s postinstall, patch-package):
 * tfjs-core's tape filtering and tensor-container walk iterate `Object.keys(o)` instead of
 * `for (k in o)`. Same keys for the plain objects and arrays they see; but V8 deoptimized the
 * for-in forms ("wrong map") every few training steps and recompiled them on background threads,
 * ~1/3 of a core in a two-worker browser sweep. This checks the installed tfjs-core is patched in
 * the builds the lab loads (ESM for Vite, CommonJS for Node).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core'));

describe('tfjs-core patch', () => {
  it.each(['tape.js', 'tensor_util.js', 'tf-core.node.js'])(
    '%s has no for-in over kernel inputs or containers',
    (file) => {
      const source = readFileSync(join(dist, file), 'utf8');
      expect(source).not.toMatch(
        /for \((?:const|var) (?:inputName|k) in (?:nodeInputs|node\.inputs|iterable)\)/,
      );
      expect(source).toMatch(/of Object\.keys\((?:nodeInputs|node\.inputs|iterable)\)/);
    },
  );
});
