/*
 * The editor's one source of truth is the YAML text of the Pipeline file. The graph is read from
 * it, and every graph edit is written back into it with gitops-common's comment-keeping codec
 * (applyObjectToYaml): comments, key order and formatting of untouched lines stay, and a
 * change to one option changes one line.
 */
import {
  applyObjectToYaml,
  parseResourceYaml,
  stringifyResource,
} from '@butler-portal/plugin-gitops-common';
import type { PipelineResource } from '@butler-portal/plugin-pipeline-common';

export const PIPELINE_API_VERSION = 'herald.butlerlabs.dev/v1alpha1';

/** What the text says, as far as the graph needs it: undefined when it does not parse. */
export function readPipelineText(text: string): PipelineResource | undefined {
  const parsed = parseResourceYaml(text);
  if (!parsed.ok) return undefined;
  const value = parsed.yaml.value;
  if (!isObject(value)) return undefined;
  return normalise(value);
}

/**
 * A shape the graph code can walk without checks everywhere: missing sections become empty
 * objects, non-object components are left out. Validation (not this) says what is wrong.
 */
function normalise(value: Record<string, unknown>): PipelineResource {
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const spec = isObject(value.spec) ? value.spec : {};
  const section = (key: string) =>
    Object.fromEntries(
      Object.entries(isObject(spec[key]) ? (spec[key] as object) : {})
        .filter(([, c]) => isObject(c))
        .map(([id, c]) => [
          id,
          {
            ...(c as Record<string, unknown>),
            type: String((c as Record<string, unknown>).type ?? ''),
          },
        ]),
    ) as any;
  return {
    ...value,
    apiVersion: String(value.apiVersion ?? PIPELINE_API_VERSION),
    kind: 'Pipeline',
    metadata: {
      ...metadata,
      name: String(metadata.name ?? ''),
      namespace: String(metadata.namespace ?? ''),
    },
    spec: {
      ...spec,
      owner: String(spec.owner ?? ''),
      sources: section('sources'),
      transforms: section('transforms'),
      sinks: section('sinks'),
    },
  } as PipelineResource;
}

/**
 * The text changed to stand for `desired`, keeping everything else as written. Sections the
 * graph code added empty (e.g. `transforms: {}` where the file had none) are not written.
 */
export function writePipelineText(
  text: string,
  desired: PipelineResource,
): string {
  const parsed = parseResourceYaml(text);
  const original =
    parsed.ok && isObject(parsed.yaml.value) ? parsed.yaml.value : undefined;
  const originalSpec =
    original && isObject(original.spec) ? original.spec : {};
  const spec: Record<string, unknown> = { ...desired.spec };
  for (const key of ['transforms', 'layout']) {
    const value = spec[key];
    if (
      isObject(value) &&
      Object.keys(value).length === 0 &&
      !(key in originalSpec)
    ) {
      delete spec[key];
    }
  }
  return applyObjectToYaml(text, { ...desired, spec } as Record<
    string,
    unknown
  >);
}

/** The file of a new pipeline, as the editor starts it. */
export function newPipelineText(ref: {
  namespace: string;
  name: string;
  owner: string;
  description?: string;
}): string {
  const body = stringifyResource({
    apiVersion: PIPELINE_API_VERSION,
    kind: 'Pipeline',
    metadata: { name: ref.name, namespace: ref.namespace },
    spec: {
      owner: ref.owner,
      ...(ref.description ? { description: ref.description } : {}),
      // all three sections from the start: a transform added later lands between the others
      sources: {},
      transforms: {},
      sinks: {},
    },
  });
  return `# A Herald pipeline: Vector sources, transforms and sinks (built in the portal).\n${body}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
