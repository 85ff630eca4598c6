/**
 * Opening checkpoint files the user picked or dropped: each file's text goes to the store, named
 * after the file without its `.ckpt.json` / `.json` ending (the name saved runs and downloads use).
 */
import type { LabStore } from '../../store';

/** The checkpoint's display name for a file name: `mlp-float.ckpt.json` → `mlp-float`. */
export function checkpointNameOf(fileName: string): string {
  return fileName.replace(/(\.ckpt)?\.json$/i, '') || fileName;
}

/** Opens each file as a checkpoint, in order; a bad one shows its error and the rest still open. */
export async function openCheckpointFiles(store: LabStore, files: Iterable<File>): Promise<void> {
  for (const file of files)
    store.getState().openCheckpointText(await file.text(), checkpointNameOf(file.name));
}
