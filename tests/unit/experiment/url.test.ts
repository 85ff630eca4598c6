import fc from 'fast-check';
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { getPreset, PRESETS } from '../../../src/experiment/presets';
import { DEFAULT_EXPERIMENT, type Experiment, SCHEMA_VERSION } from '../../../src/experiment/schema';
import {
  decodeLink,
  decompressBounded,
  encodeLink,
  MAX_JSON_CHARS,
  MAX_LINK_CHARS,
  summarizeRun,
} from '../../../src/experiment/url';
import type { HistoryPoint } from '../../../src/train/types';
import { experimentArb } from './arbitraries';

/** Builds a link from any envelope, the way a hand-crafted or old link would be made. */
function rawLink(envelope: unknown): string {
  const payload = compressToEncodedURIComponent(JSON.stringify(envelope)).replace(/[+-]/g, (c) =>
    c === '+' ? '-' : '_',
  );
  return `#${payload}`;
}

function decodeOk(hash: string) {
  const d = decodeLink(hash);
  if (!d.ok) throw new Error(`expected ok, got: ${d.error}`);
  return d;
}

function errorOf(hash: string): string {
  const d = decodeLink(hash);
  if (d.ok) throw new Error('expected an error');
  return d.error;
}

const HISTORY: HistoryPoint[] = Array.from({ length: 200 }, (_, i) => ({
  step: (i + 1) * 5,
  loss: 2.3 / (1 + i / 10),
  trainAccuracy: Math.min(1, 0.1 + i / 200),
  lr: 1e-3,
  ...(i % 20 === 19 ? { testAccuracy: 0.5 + i / 500 } : {}),
}));

describe('encodeLink / decodeLink round trip', () => {
  it('gives back a deep-equal experiment for random valid experiments', () => {
    fc.assert(
      fc.property(experimentArb, (exp) => {
        const link = encodeLink(exp);
        expect(link.startsWith('#')).toBe(true);
        expect(link).toMatch(/^#[A-Za-z0-9_-]+$/);
        const d = decodeOk(link);
        expect(d.experiment).toEqual(exp);
        expect(d.warnings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('carries the summary, hidden controls and preset', () => {
    const preset = PRESETS[0];
    const summary = summarizeRun({
      status: 'completed',
      testAccuracy: 0.9123456,
      history: HISTORY,
      backend: 'wasm',
    });
    const d = decodeOk(
      encodeLink(preset.experiment, {
        summary,
        hide: ['controls.bits', 'controls.estimator'],
        preset: preset.id,
      }),
    );
    expect(d.experiment).toEqual(preset.experiment);
    expect(d.summary).toEqual(summary);
    expect(d.hide).toEqual(['controls.bits', 'controls.estimator']);
    expect(d.preset).toBe(preset.id);
  });

  it('keeps a full link with summary short enough to share', () => {
    const summary = summarizeRun({ status: 'completed', testAccuracy: 0.9, history: HISTORY });
    expect(encodeLink(DEFAULT_EXPERIMENT).length).toBeLessThan(1200);
    expect(encodeLink(DEFAULT_EXPERIMENT, { summary }).length).toBeLessThan(3000);
  });

  it('thins, then drops, a summary that would make the link too long', () => {
    // Random layer names compress badly: grow the experiment until its link alone is ~30 kB, so that
    // the summary cannot fit whole whatever the experiment's other fields.
    const layers: Record<string, { weightBits: number }> = {};
    let i = 0;
    while (
      encodeLink({ ...DEFAULT_EXPERIMENT, quant: { ...DEFAULT_EXPERIMENT.quant, layers } }).length < 30_000
    ) {
      for (let k = 0; k < 50; k++, i++) layers[`l${Math.sin(i).toString(36).slice(3)}`] = { weightBits: 4 };
    }
    const big = { ...DEFAULT_EXPERIMENT, quant: { ...DEFAULT_EXPERIMENT.quant, layers } };
    const noisy = HISTORY.concat(HISTORY).map((p, j) => ({ ...p, step: j, loss: Math.sin(j * 7.1) + 2 }));
    const summary = summarizeRun({ status: 'completed', testAccuracy: 0.5, history: noisy }, 512);
    const link = encodeLink(big, { summary });
    expect(link.length - 1).toBeLessThanOrEqual(MAX_LINK_CHARS);
    const d = decodeOk(link);
    expect(d.summary === undefined || d.summary.steps.length < summary.steps.length).toBe(true);
  });

  it('accepts a full URL, a bare payload and a percent-encoded payload', () => {
    const link = encodeLink(DEFAULT_EXPERIMENT);
    expect(decodeOk(`https://lab.example/?x=1${link}`).experiment).toEqual(DEFAULT_EXPERIMENT);
    expect(decodeOk(link.slice(1)).experiment).toEqual(DEFAULT_EXPERIMENT);
    expect(decodeOk(`#${encodeURIComponent(link.slice(1)).replace(/A/g, '%41')}`).experiment).toEqual(
      DEFAULT_EXPERIMENT,
    );
  });
});

describe('summarizeRun', () => {
  it('downsamples to the point budget, keeps the last point and rounds', () => {
    const s = summarizeRun({ status: 'completed', testAccuracy: 0.91234, history: HISTORY }, 20);
    expect(s.steps).toHaveLength(20);
    expect(s.steps.at(-1)).toBe(1000);
    expect(s.steps[0]).toBe(5);
    expect(s.evalSteps).toHaveLength(10);
    expect(s.testAccuracy).toBe(0.9123);
  });

  it('writes NaN and infinite losses of a diverged run as null', () => {
    const s = summarizeRun({
      status: 'diverged',
      testAccuracy: NaN,
      history: [
        { step: 1, loss: NaN, trainAccuracy: 0.1, lr: 1 },
        { step: 2, loss: Infinity, trainAccuracy: 0.1, lr: 1 },
      ],
    });
    expect(s.loss).toEqual([null, null]);
    expect(s.testAccuracy).toBe(0);
    expect(decodeOk(encodeLink(DEFAULT_EXPERIMENT, { summary: s })).summary).toEqual(s);
  });
});

describe('decodeLink: specific messages', () => {
  it('reports truncated and corrupted links', () => {
    const link = encodeLink(DEFAULT_EXPERIMENT);
    expect(errorOf(link.slice(0, link.length / 2))).toBe('link is truncated or corrupted');
    expect(errorOf('#not a link!')).toBe('link is truncated or corrupted');
    expect(errorOf('#AAAA')).toBe('link is truncated or corrupted');
    expect(errorOf(rawLink([1, 2, 3]))).toBe('link is truncated or corrupted');
  });

  it('reports empty links', () => {
    expect(errorOf('')).toMatch(/no experiment/);
    expect(errorOf('#')).toMatch(/no experiment/);
    expect(errorOf(rawLink({ v: 1 }))).toMatch(/no experiment/);
  });

  it('reports links from a newer version', () => {
    expect(errorOf(rawLink({ v: 3, e: {} }))).toMatch(/^link is from a newer version \(v3\) of Quant Lab/);
    expect(errorOf(rawLink({ v: 1, e: { version: 7 } }))).toMatch(/newer version \(v7\)/);
  });

  it('names the field of an out-of-range value', () => {
    const bad = {
      ...DEFAULT_EXPERIMENT,
      quant: { ...DEFAULT_EXPERIMENT.quant, weight: { ...DEFAULT_EXPERIMENT.quant.weight, bits: 9 } },
    };
    expect(errorOf(rawLink({ v: 1, e: bad }))).toBe('quant.weight.bits: bits must be 2–8, or 32 for float');
    expect(errorOf(rawLink({ v: 1, e: { train: { lr: -1 } } }))).toMatch(/^train\.lr: /);
    expect(errorOf(rawLink({ v: 1, e: { seed: 1e308 } }))).toMatch(/^seed: /);
    expect(errorOf(rawLink({ v: 1, e: { model: { arch: 'resnet' } } }))).toMatch(/^model\.arch: /);
    expect(errorOf(rawLink({ v: 1, e: { bogus: 1 } }))).toMatch(/bogus/);
  });

  it('refuses prototype keys without polluting Object.prototype', () => {
    const err = errorOf(
      rawLink(JSON.parse('{"v":1,"e":{"quant":{"layers":{"__proto__":{"weightBits":2}}}}}')),
    );
    expect(err).toMatch(/forbidden key "__proto__"/);
    expect(errorOf(rawLink({ v: 1, e: { constructor: { prototype: { x: 1 } } } }))).toMatch(
      /forbidden key "constructor"/,
    );
    expect(({} as Record<string, unknown>).weightBits).toBeUndefined();
  });

  it('refuses over-long links and decompression bombs quickly', () => {
    expect(errorOf(`#${'A'.repeat(MAX_LINK_CHARS + 1)}`)).toMatch(
      /^link is too long \(33 kB; the limit is 32 kB\)/,
    );
    // 400 k repeated characters compress to under 2 kB: plain lz-string would inflate all of them.
    const bomb = rawLink({ v: 1, e: { name: 'a'.repeat(400_000) } });
    expect(bomb.length).toBeLessThan(MAX_LINK_CHARS);
    const t0 = performance.now();
    expect(errorOf(bomb)).toMatch(/unpacks to more than 256 kB/);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('rejects deep nesting', () => {
    const deep = `{"v":1,"e":{"name":${'['.repeat(5000)}1${']'.repeat(5000)}}}`;
    const payload = compressToEncodedURIComponent(deep).replace(/[+-]/g, (c) => (c === '+' ? '-' : '_'));
    expect(errorOf(`#${payload}`)).toBe('link is truncated or corrupted');
  });
});

describe('decodeLink: stale and partial links', () => {
  it('migrates a version-0 flat link', () => {
    const d = decodeOk(
      rawLink({ v: 0, e: { bits: 3, estimator: 'STE', lr: 0.01, arch: 'cnn', oldKnob: 1 } }),
    );
    expect(d.experiment.quant.weight.bits).toBe(3);
    expect(d.experiment.quant.act.bits).toBe(3);
    expect(d.experiment.estimator.name).toBe('ste');
    expect(d.experiment.train.lr).toBe(0.01);
    expect(d.experiment.model.arch).toBe('cnn');
    expect(d.experiment.version).toBe(SCHEMA_VERSION);
    expect(d.warnings.join('\n')).toMatch(/older version \(v0\)/);
    expect(d.warnings.join('\n')).toMatch(/oldKnob/);
  });

  it('names the new path of a bad value in an old link', () => {
    expect(errorOf(rawLink({ v: 0, e: { bits: 1 } }))).toMatch(/^quant\.weight\.bits: /);
  });

  it('drops a bad summary, hide list, preset or layer override with a warning', () => {
    const d = decodeOk(
      rawLink({
        v: 1,
        e: { quant: { layers: { fc1: { weightBits: 8 }, conv9: { weightBits: 2 } } } },
        s: { status: 'won' },
        h: 'all',
        p: 'no-such-preset',
      }),
    );
    expect(d.experiment.quant.layers).toEqual({ fc1: { weightBits: 8 } });
    expect(d.summary).toBeUndefined();
    expect(d.hide).toBeUndefined();
    expect(d.preset).toBeUndefined();
    expect(d.warnings).toHaveLength(4);
    expect(d.warnings.join('\n')).toMatch(/conv9/);
  });

  it('opens a preset from a link that holds only its id', () => {
    const preset = getPreset('oscillations-w3-dscnn-freeze')!;
    const d = decodeOk(rawLink({ v: 1, p: preset.id }));
    expect(d.experiment).toEqual(preset.experiment);
    expect(d.preset).toBe(preset.id);
  });

  it('carries the tour flag beside a preset, and drops a bad one with a warning', () => {
    const preset = getPreset('oscillations-w3-dscnn')!;
    const d = decodeOk(encodeLink(preset.experiment, { preset: preset.id, tour: true }));
    expect(d.tour).toBe(true);
    expect(d.preset).toBe(preset.id);
    expect(d.warnings).toEqual([]);
    expect(decodeOk(encodeLink(preset.experiment, { preset: preset.id })).tour).toBeUndefined();
    expect(decodeOk(rawLink({ v: 1, p: preset.id, t: 1 })).tour).toBe(true);
    const bad = decodeOk(rawLink({ v: 1, p: preset.id, t: 'yes' }));
    expect(bad.tour).toBeUndefined();
    expect(bad.warnings).toEqual(['tour flag ignored (not 1)']);
  });

  it('completes a partial experiment with defaults', () => {
    const d = decodeOk(rawLink({ v: 1, e: { seed: 7 } }));
    expect(d.experiment).toEqual({ ...DEFAULT_EXPERIMENT, seed: 7 } satisfies Experiment);
  });
});

describe('decompressBounded', () => {
  it('matches lz-string on valid payloads', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const uri = compressToEncodedURIComponent(text);
        const b64url = uri.replace(/[+-]/g, (c) => (c === '+' ? '-' : '_'));
        const out = decompressBounded(b64url, MAX_JSON_CHARS);
        if (text === '') expect(out.ok).toBe(false);
        else expect(out).toEqual({ ok: true, text: decompressFromEncodedURIComponent(uri) });
      }),
      { numRuns: 300 },
    );
  });

  it('stops at the cap', () => {
    const b64url = compressToEncodedURIComponent('xy'.repeat(5000)).replace(/[+-]/g, (c) =>
      c === '+' ? '-' : '_',
    );
    expect(decompressBounded(b64url, 9999)).toEqual({ ok: false, reason: 'too-large' });
    expect(decompressBounded(b64url, 10000)).toEqual({ ok: true, text: 'xy'.repeat(5000) });
  });
});
