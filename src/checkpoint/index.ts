/**
 * Checkpoints of a trained model (docs/checkpoints.md): the file format (./format.ts), a model's
 * tensors and the way back (./model.ts). Pure: Node's file I/O is in ./node.ts.
 */
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  decodeCheckpointTensors,
  encodeCheckpoint,
  parseCheckpoint,
  parseCheckpointText,
  serializeCheckpoint,
  type Checkpoint,
  type CheckpointFile,
  type CheckpointMeta,
  type CheckpointResult,
} from './format';
export { CheckpointError, firstMismatch } from './check';
export {
  architectureMismatch,
  loadModelState,
  modelFromCheckpoint,
  modelState,
  type LoadModelResult,
  type ModelFromCheckpointOptions,
  type ModelFromCheckpointResult,
} from './model';
