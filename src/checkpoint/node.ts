/**
 * Node-only checkpoint files (the runner, tests): reading and writing paths. The rest of
 * src/checkpoint is pure and also runs in a browser worker, which reads the same text from a
 * download or a dropped file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  parseCheckpointText,
  serializeCheckpoint,
  type CheckpointFile,
  type CheckpointResult,
} from './format';

/** Reads and validates the checkpoint at `path`; an unreadable file is an error like a bad one. */
export function readCheckpointFile(path: string): CheckpointResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, error: `cannot read ${path}: ${(error as Error).message}` };
  }
  return parseCheckpointText(text);
}

/** Writes `file` to `path`; returns its size in bytes. */
export function writeCheckpointFile(path: string, file: CheckpointFile): number {
  const text = serializeCheckpoint(file);
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}
