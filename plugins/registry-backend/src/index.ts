/**
 * Keeper backend: the Terraform/OpenTofu module registry protocol, a Helm chart repository and
 * OPA bundles, served from merged versions; registry tokens.
 *
 * @packageDocumentation
 */
export { registryPlugin as default } from './plugin';
export type {
  MergedRecords,
  RecordsSnapshot,
  Located,
} from './records/MergedRecords';
