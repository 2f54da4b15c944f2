/*
 * Keeper's records as they stand in Git (the Artifact and ArtifactVersion schemas in schemas/),
 * and the JSON the registry REST API answers with. Defined once here: the backend writes these
 * shapes and the frontend reads them.
 */

export const ARTIFACT_TYPES = [
  'terraform-module',
  'helm-chart',
  'opa-bundle',
] as const;
export type ArtifactType = (typeof ARTIFACT_TYPES)[number];

export interface ArtifactDependency {
  artifact: string;
  versionRange: string;
}

/** spec of an Artifact record */
export interface ArtifactSpec {
  type: ArtifactType;
  owner: string;
  title?: string;
  description?: string;
  tags?: string[];
  sourceRepository?: string;
  dependencies?: ArtifactDependency[];
}

export interface GitSource {
  /** id of a portal GitOps repository */
  repository?: string;
  url: string;
  ref: string;
  /** the pinned commit */
  commit?: string;
  subdirectory?: string;
  /** `sha256:<hex>` of Keeper's deterministic source archive */
  digest?: string;
}

export interface ChartSource {
  url: string;
  digest: string;
}

export interface BundleSource {
  url: string;
  digest?: string;
}

export type VersionSource =
  | { git: GitSource }
  | { chart: ChartSource }
  | { bundle: BundleSource };

/** spec of an ArtifactVersion record */
export interface ArtifactVersionSpec {
  artifact: string;
  version: string;
  source: VersionSource;
  changelog?: string;
  owner?: string;
  deprecated?: string;
  yanked?: string;
}

export interface RecordMetadata {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ArtifactRecord {
  apiVersion: 'keeper.butlerlabs.dev/v1alpha1';
  kind: 'Artifact';
  metadata: RecordMetadata;
  spec: ArtifactSpec;
}

export interface ArtifactVersionRecord {
  apiVersion: 'keeper.butlerlabs.dev/v1alpha1';
  kind: 'ArtifactVersion';
  metadata: RecordMetadata;
  spec: ArtifactVersionSpec;
}

/**
 * What a version is to clients: `merged` (served), `deprecated` (served, flagged), `yanked`
 * (left out of every client index), `unavailable` (merged but not servable, e.g. its source is
 * not pinned; `reason` says why), `open` (its file is in an open change request, not merged:
 * no client sees it).
 */
export type VersionState =
  | 'merged'
  | 'deprecated'
  | 'yanked'
  | 'unavailable'
  | 'open';

/** The change request a version is in (state `open`), or that edits it (e.g. a yank). */
export interface VersionChange {
  repository: string;
  id: string;
  number: number;
  title: string;
  /** the review at the provider; absent for local repositories (the portal shows them) */
  url?: string;
}

/** One version in the REST API. */
export interface VersionInfo {
  version: string;
  state: VersionState;
  /** why it is deprecated, yanked or unavailable */
  reason?: string;
  changelog?: string;
  /** `git`, `chart` or `bundle` */
  sourceType: 'git' | 'chart' | 'bundle';
  /** the pinned commit of a git source */
  commit?: string;
  /** repository file of the record */
  file: string;
  /** the open change request adding this version, or editing it */
  change?: VersionChange;
}

/** One artifact in the REST API list. */
export interface ArtifactSummary {
  namespace: string;
  name: string;
  type: ArtifactType;
  owner: string;
  title?: string;
  description?: string;
  tags: string[];
  dependencies: ArtifactDependency[];
  /** newest first */
  versions: VersionInfo[];
  /** newest served (merged or deprecated) version */
  latest?: string;
  /** repository file of the record */
  file: string;
}

/** A merged file Keeper could not use, and why (it is left out, never guessed). */
export interface RecordProblemInfo {
  repository: string;
  file: string;
  message: string;
}

export interface ArtifactListResponse {
  /** commit(s) of the merged state the answer was computed from */
  revision: string;
  items: ArtifactSummary[];
  /** merged record files that are invalid, duplicated or name an unknown artifact */
  problems: RecordProblemInfo[];
  /** why versions of open change requests are missing (the provider did not answer) */
  openChangesProblem?: string;
}

export interface TerraformVariable {
  name: string;
  type?: string;
  description?: string;
  default?: unknown;
  required: boolean;
  sensitive?: boolean;
}

export interface TerraformOutput {
  name: string;
  description?: string;
  sensitive?: boolean;
}

/** What the artifact page shows of one version's content. */
export interface VersionContent {
  version: string;
  readme?: string;
  files: string[];
  terraform?: { inputs: TerraformVariable[]; outputs: TerraformOutput[] };
  helm?: { chart: Record<string, unknown>; values?: string };
  opa?: { packages: string[] };
}

/** A dependency of an artifact, its range resolved against the merged versions. */
export interface ResolvedDependency extends ArtifactDependency {
  namespace: string;
  name: string;
  /** the highest served version in the range */
  resolved?: string;
  /** why nothing resolved: unknown artifact, no version in range, bad range */
  problem?: string;
}

/** An artifact that depends on this one. */
export interface DependentArtifact {
  namespace: string;
  name: string;
  versionRange: string;
  /** whether the range accepts this artifact's latest version */
  acceptsLatest: boolean;
}

export interface ArtifactDetailResponse {
  revision: string;
  artifact: ArtifactSummary;
  dependencies: ResolvedDependency[];
  usedBy: DependentArtifact[];
  /** why versions of open change requests are missing */
  openChangesProblem?: string;
  /** content of the requested version (default: latest) when it is servable */
  content?: VersionContent;
  /** why the content could not be read */
  contentProblem?: string;
  usage: UsageSnippet[];
}

export interface UsageSnippet {
  client: 'terraform' | 'opentofu' | 'helm' | 'opa';
  title: string;
  language: 'hcl' | 'shell' | 'yaml';
  code: string;
}

/** GET /sources/resolve: the commit a branch, tag or SHA of a source repository points at. */
export interface SourceRefResolution {
  /** as asked: a configured repository id or a git URL */
  source: string;
  /** the configured repository it named */
  repository: string;
  ref: string;
  /** full commit SHA */
  commit: string;
}

/** A registry token as listed: never its secret. */
export interface RegistryTokenInfo {
  id: string;
  name: string;
  owner: string;
  namespaces: string[];
  createdAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

/** The answer to creating a token: the secret, shown this once. */
export interface CreatedRegistryToken extends RegistryTokenInfo {
  token: string;
}
