/*
 * What a Vector target holds for one pipeline: a file of a Vector config directory (or a key of
 * a ConfigMap), `<namespace>_<pipeline>.yaml`, holding the rendered configuration behind a
 * marker line. The marker is how a target tells its own files from anyone else's (only those
 * are listed, pruned or overwritten); the file name says which pipeline it is (namespaces and
 * pipeline names are DNS labels, which never contain `_`, so the name splits one way only).
 *
 * The reconciler compares objects by content hash; the object it hashes for a pipeline
 * ({@link vectorPipelineObject}) is built from the delivered text itself, so a target that
 * reads a file back gets the same hash exactly when the bytes are the ones it wrote.
 */
import {
  HERALD_API_VERSION,
  type GitOpsResource,
  type ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import { parse } from 'yaml';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, contentHash } from '../types';

/** First line of every file a Vector target writes; files without it are never touched. */
export const VECTOR_FILE_MARKER = `# ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}: written by the Butler Portal reconciler from Git; edits here are overwritten`;

const FILE_NAME =
  /^([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)_([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.yaml$/;

/** The object the reconciler hashes and a Vector target applies for one pipeline. */
export interface VectorPipelineObject extends GitOpsResource {
  spec: {
    /** the file name in the config directory (the ConfigMap key) */
    fileName: string;
    /** the exact text delivered: marker line, then the rendered Vector configuration */
    content: string;
  };
}

/** The ref of the pipeline a delivered file name stands for; undefined for any other name. */
export function refOfFileName(fileName: string): ResourceRef | undefined {
  const match = FILE_NAME.exec(fileName);
  if (!match || match[1].length > 63 || match[2].length > 63) return undefined;
  return { kind: 'Pipeline', namespace: match[1], name: match[2] };
}

/** The text delivered for a rendered configuration: the marker line, then the configuration. */
export function deliveredContent(renderedYaml: string): string {
  return `${VECTOR_FILE_MARKER}\n${renderedYaml}`;
}

/** True when the text starts with the marker line: written by a Vector target. */
export function isDelivered(content: string): boolean {
  return content.startsWith(`${VECTOR_FILE_MARKER}\n`);
}

export function vectorPipelineObject(
  ref: ResourceRef,
  fileName: string,
  content: string,
): VectorPipelineObject {
  return {
    apiVersion: HERALD_API_VERSION,
    kind: 'Pipeline',
    metadata: {
      namespace: ref.namespace,
      name: ref.name,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    },
    spec: { fileName, content },
  };
}

/** The content hash of what a target holds under `fileName` (same as the desired object's). */
export function deliveredHash(
  ref: ResourceRef,
  fileName: string,
  content: string,
): string {
  return contentHash(vectorPipelineObject(ref, fileName, content));
}

/** The fields of a desired object a Vector target needs; throws for anything else. */
export function asVectorPipeline(
  object: GitOpsResource,
): VectorPipelineObject['spec'] {
  const spec = object.spec as Partial<VectorPipelineObject['spec']> | undefined;
  if (
    object.kind !== 'Pipeline' ||
    typeof spec?.fileName !== 'string' ||
    typeof spec.content !== 'string' ||
    !refOfFileName(spec.fileName) ||
    !isDelivered(spec.content)
  ) {
    throw new Error(
      `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name} is not a rendered Vector pipeline (the target needs the Vector render step)`,
    );
  }
  return { fileName: spec.fileName, content: spec.content };
}

/** A component of a delivered configuration, as Vector's API lists it. */
export interface DeliveredComponent {
  id: string;
  /** `source`, `transform` or `sink` */
  kind: 'source' | 'transform' | 'sink';
  /** the component type, e.g. `kubernetes_logs` */
  type: string;
}

/** The components a delivered file configures (empty when it does not parse). */
export function deliveredComponents(content: string): DeliveredComponent[] {
  let config: unknown;
  try {
    config = parse(content);
  } catch {
    return [];
  }
  const components: DeliveredComponent[] = [];
  const sections = [
    ['sources', 'source'],
    ['transforms', 'transform'],
    ['sinks', 'sink'],
  ] as const;
  for (const [section, kind] of sections) {
    const entries = (config as Record<string, unknown> | null)?.[section];
    if (typeof entries !== 'object' || entries === null) continue;
    for (const [id, component] of Object.entries(entries)) {
      const type = (component as { type?: unknown } | null)?.type;
      components.push({ id, kind, type: typeof type === 'string' ? type : '' });
    }
  }
  return components;
}
