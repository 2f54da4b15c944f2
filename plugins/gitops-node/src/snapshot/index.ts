export { SnapshotReader, snapshotReaderFor } from './SnapshotReader';
export type {
  CommitSnapshot,
  SnapshotFile,
  SnapshotReaderOptions,
  SnapshotReaderStats,
} from './SnapshotReader';
