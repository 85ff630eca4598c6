import 'fake-indexeddb/auto';
import { createStore, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import {
  checkpointFileName,
  createCheckpointStore,
  readCheckpointEntry,
  toCheckpointStoreError,
  type StoredCheckpoint,
} from '../../../app/persist/checkpointStore';
import { DEFAULT_EXPERIMENT } from '../../../src/experiment/schema';

let dbCount = 0;
function freshStore() {
  const dbName = `ckpt-test-${++dbCount}`;
  return { store: createCheckpointStore({ dbName }), raw: createStore(dbName, 'checkpoints') };
}

function entry(id: string, createdAt: number): StoredCheckpoint {
  return {
    id,
    name: `model ${id}`,
    createdAt,
    experiment: DEFAULT_EXPERIMENT,
    stepsDone: 100,
    sizeBytes: 12,
    testAccuracy: 0.9,
  };
}

describe('checkpoint store', () => {
  it('keeps entries and their file text apart, lists oldest first, reads and deletes both', async () => {
    const { store } = freshStore();
    await store.save(entry('b', 2000), '{"b":1}\n');
    await store.save(entry('a', 1000), '{"a":1}\n');
    const { checkpoints, warnings } = await store.list();
    expect(warnings).toEqual([]);
    expect(checkpoints.map((c) => c.id)).toEqual(['a', 'b']);
    expect(checkpoints[0]).toEqual(entry('a', 1000));
    expect(await store.read('b')).toBe('{"b":1}\n');
    await store.delete('b');
    expect(await store.read('b')).toBeNull();
    expect((await store.list()).checkpoints.map((c) => c.id)).toEqual(['a']);
  });

  it('skips an unreadable entry with a warning and leaves it in place', async () => {
    const { store, raw } = freshStore();
    await store.save(entry('ok', 1), 'text');
    await set(
      'meta:bad',
      { id: 'bad', name: 'x', createdAt: 1, experiment: { model: { arch: 'nope' } } },
      raw,
    );
    const { checkpoints, warnings } = await store.list();
    expect(checkpoints.map((c) => c.id)).toEqual(['ok']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/saved checkpoint bad is unreadable and was skipped \(stepsDone/);
  });

  it('migrates and validates an entry like any experiment', () => {
    const read = readCheckpointEntry({ ...entry('x', 1), experiment: { model: { arch: 'mlp' } } });
    expect(read.ok && read.entry.experiment.model.hidden).toEqual(DEFAULT_EXPERIMENT.model.hidden);
    expect(readCheckpointEntry({ ...entry('x', 1), stepsDone: -1 }).ok).toBe(false);
  });

  it('a full disk asks for downloads of checkpoints', () => {
    const err = toCheckpointStoreError({ name: 'QuotaExceededError' }, 'saving checkpoint "m"');
    expect(err.kind).toBe('quota');
    expect(err.message).toMatch(/saving checkpoint "m" failed\. Download the checkpoints you want to keep/);
  });

  it('names downloads <name>.ckpt.json with the name made safe', () => {
    expect(checkpointFileName('#3 W4A4 mlp 32 · ste · step 400')).toBe(
      '3 W4A4 mlp 32 - ste - step 400.ckpt.json',
    );
    expect(checkpointFileName('a/b\\c')).toBe('a-b-c.ckpt.json');
    expect(checkpointFileName('···')).toBe('checkpoint.ckpt.json');
  });
});
