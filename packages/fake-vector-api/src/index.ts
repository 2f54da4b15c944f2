/**
 * A fake of Vector's API for tests (see README.md).
 *
 * @packageDocumentation
 */
export {
  startFakeVectorApi,
  componentsOfConfigDir,
} from './startFakeVectorApi';
export type {
  FakeVectorApi,
  FakeVectorApiOptions,
  FakeVectorComponent,
} from './startFakeVectorApi';
