/*
 * The JSON Schema of each kind, from @butler-portal/schemas: the same files the forms, the CLI
 * and IDEs (yaml-language-server) use. Imported statically so bundlers include them for the
 * browser as well as for the backend and the CLI.
 */
import artifact from '@butler-portal/schemas/artifact.schema.json';
import artifactVersion from '@butler-portal/schemas/artifactversion.schema.json';
import pipeline from '@butler-portal/schemas/pipeline.schema.json';
import tenantAddon from '@butler-portal/schemas/tenantaddon.schema.json';
import tenantCluster from '@butler-portal/schemas/tenantcluster.schema.json';
import workspace from '@butler-portal/schemas/workspace.schema.json';
import workspaceTemplate from '@butler-portal/schemas/workspacetemplate.schema.json';
import type { KindName } from '../kinds/kinds';

/** The JSON Schema (draft-07) of every kind, keyed by kind name. */
export const KIND_SCHEMAS: Readonly<Record<KindName, object>> = Object.freeze({
  Workspace: workspace,
  WorkspaceTemplate: workspaceTemplate,
  TenantAddon: tenantAddon,
  TenantCluster: tenantCluster,
  Artifact: artifact,
  ArtifactVersion: artifactVersion,
  Pipeline: pipeline,
});
