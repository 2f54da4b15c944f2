/*
 * A GitOps resource as a catalog entity, and back. The entity keeps the resource's kind,
 * apiVersion, namespace, name, labels, annotations and spec unchanged, so what the catalog shows
 * is what is in Git; the module only adds metadata about the source (see annotations.ts) and a
 * title, description and tags the catalog UI can show.
 */
import {
  ANNOTATION_EDIT_URL,
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_VIEW_URL,
  Entity,
} from '@backstage/catalog-model';
import {
  findKind,
  type GitOpsResource,
  type ResourceRef,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import {
  ANNOTATION_OPEN_CHANGES,
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_SOURCE_ERROR,
  ANNOTATION_SOURCE_PATH,
  ANNOTATION_SOURCE_REPOSITORY,
  MODULE_ANNOTATION_PREFIXES,
} from './annotations';

/** Where an entity was read from. */
export interface EntitySource {
  /** configured repository id */
  repository: string;
  /** repository-relative path of the file */
  path: string;
  /** commit of the default branch the file was read at */
  commit: string;
  /** `url:<view url>` at the Git host, or `gitops:<repository>/<path>` */
  location: string;
  viewUrl?: string;
  editUrl?: string;
  /** ids (`<repository>:<number>`) of the open change requests touching the file */
  openChanges?: readonly string[];
}

/** Backstage tags: lower-case words joined by `-`, at most 63 characters. */
const TAG_PATTERN = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;
/** Longest annotation the module writes for an error: the first issues say enough. */
const MAX_ERROR_ANNOTATION_LENGTH = 4096;

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function sourceAnnotations(source: EntitySource): Record<string, string> {
  const annotations: Record<string, string> = {
    [ANNOTATION_LOCATION]: source.location,
    [ANNOTATION_ORIGIN_LOCATION]: source.location,
    [ANNOTATION_SOURCE_REPOSITORY]: source.repository,
    [ANNOTATION_SOURCE_PATH]: source.path,
    [ANNOTATION_SOURCE_COMMIT]: source.commit,
  };
  if (source.viewUrl) annotations[ANNOTATION_VIEW_URL] = source.viewUrl;
  if (source.editUrl) annotations[ANNOTATION_EDIT_URL] = source.editUrl;
  if (source.openChanges?.length) {
    annotations[ANNOTATION_OPEN_CHANGES] = source.openChanges.join(',');
  }
  return annotations;
}

/** The catalog entity of a valid resource read from `source`. */
export function resourceToEntity(
  resource: GitOpsResource,
  source: EntitySource,
): Entity {
  const { spec } = resource;
  const metadata: Entity['metadata'] = {
    name: resource.metadata.name,
    namespace: resource.metadata.namespace,
    annotations: {
      ...resource.metadata.annotations,
      ...sourceAnnotations(source),
    },
  };
  if (
    resource.metadata.labels &&
    Object.keys(resource.metadata.labels).length
  ) {
    metadata.labels = { ...resource.metadata.labels };
  }
  // Artifact has title, WorkspaceTemplate displayName; the catalog shows either as the title
  const title = stringField(spec.title) ?? stringField(spec.displayName);
  if (title) metadata.title = title;
  const description = stringField(spec.description);
  if (description) metadata.description = description;
  // only tags the catalog accepts: one odd tag must not make the whole entity fail
  if (Array.isArray(spec.tags)) {
    const tags = spec.tags.filter(
      (t: unknown): t is string =>
        typeof t === 'string' && t.length <= 63 && TAG_PATTERN.test(t),
    );
    if (tags.length) metadata.tags = tags;
  }
  return {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    metadata,
    spec: { ...spec },
  };
}

/**
 * The entity to hand the catalog while the file on the default branch is invalid: the last
 * valid entity (or, for a file that never was valid, a bare one named after its path) carrying
 * the issues. The processor fails it on purpose, so the catalog keeps the last valid entity and
 * reports the issues as a processing error.
 */
export function entityWithSourceError(options: {
  lastValid?: Entity;
  ref: ResourceRef;
  source: EntitySource;
  issues: readonly ValidationIssue[];
}): Entity {
  const { lastValid, ref, source, issues } = options;
  const base: Entity = lastValid ?? {
    apiVersion: findKind(ref.kind)!.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
    spec: {},
  };
  return {
    ...base,
    metadata: {
      ...base.metadata,
      annotations: {
        ...base.metadata.annotations,
        ...sourceAnnotations(source),
        [ANNOTATION_SOURCE_ERROR]: formatIssues(issues),
      },
    },
  };
}

/** `file:line:column path: message`, one issue per line, as editors and CI logs show them. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  const lines = issues.map(issue => {
    const where = [issue.file, issue.line, issue.column]
      .filter(part => part !== undefined && part !== '')
      .join(':');
    return `${where ? `${where} ` : ''}${issue.path ? `${issue.path}: ` : ''}${
      issue.message
    }`;
  });
  let text = lines.join('\n');
  if (text.length > MAX_ERROR_ANNOTATION_LENGTH) {
    text = `${text.slice(0, MAX_ERROR_ANNOTATION_LENGTH - 40)}\n… (${
      issues.length
    } issues in all)`;
  }
  return text;
}

function isModuleAnnotation(key: string): boolean {
  return MODULE_ANNOTATION_PREFIXES.some(prefix =>
    prefix.endsWith('/') ? key.startsWith(prefix) : key === prefix,
  );
}

/**
 * The resource an entity stands for: the entity without what the module added. The processor
 * validates this with the same validation the portal's forms, the CLI and the reconciler use.
 */
export function entityToResource(entity: Entity): Record<string, unknown> {
  const annotations = Object.fromEntries(
    Object.entries(entity.metadata.annotations ?? {}).filter(
      ([key]) => !isModuleAnnotation(key),
    ),
  );
  const metadata: Record<string, unknown> = {
    name: entity.metadata.name,
    namespace: entity.metadata.namespace,
  };
  if (entity.metadata.labels && Object.keys(entity.metadata.labels).length) {
    metadata.labels = entity.metadata.labels;
  }
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  return {
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata,
    spec: entity.spec ?? {},
  };
}
