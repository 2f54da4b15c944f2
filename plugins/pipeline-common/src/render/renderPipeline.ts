/*
 * A Pipeline rendered to Vector configuration: one YAML document per pipeline, the file a
 * `vector --config-dir <dir> --watch-config` reads next to every other pipeline's file.
 *
 * Vector loads all files of a config directory as one configuration, so component ids must be
 * unique across pipelines: each id becomes `<namespace>_<pipeline>_<id>`. The separator is "_"
 * because namespaces and pipeline names are DNS labels, which cannot contain it: the hyphen
 * form would be ambiguous (team-a/app-logs and team/a-app-logs would both give
 * "team-a-app-logs-<id>"), and one duplicate id makes Vector refuse the whole directory,
 * every pipeline with it. Inputs are rewritten to the namespaced ids, wildcards expanded first
 * (a pipeline's `*` must never match another pipeline's components), named outputs kept.
 */
import { Document } from 'yaml';
import { VECTOR_VERSION } from '../catalog/catalog';
import { buildPipelineGraph } from '../graph/buildGraph';
import type { PipelineResource } from '../graph/types';

/** The separator between namespace, pipeline name and component id in rendered ids. */
export const RENDERED_ID_SEPARATOR = '_';

/** The Vector id of a pipeline's component: `<namespace>_<pipeline>_<id>`. */
export function renderedComponentId(
  namespace: string,
  pipeline: string,
  id: string,
): string {
  return [namespace, pipeline, id].join(RENDERED_ID_SEPARATOR);
}

/** The file a Vector directory target writes for a pipeline: `<namespace>_<pipeline>.yaml`. */
export function renderedFileName(namespace: string, pipeline: string): string {
  return `${namespace}${RENDERED_ID_SEPARATOR}${pipeline}.yaml`;
}

/** Options of {@link renderPipeline}. */
export interface RenderPipelineOptions {
  /** repository-relative path of the pipeline's file, named in the header comment */
  sourceFile?: string;
}

/** A pipeline rendered for Vector. */
export interface RenderedPipeline {
  /** the file name in a Vector config directory */
  fileName: string;
  /** the configuration as data: `sources`, `transforms`, `sinks` */
  config: {
    sources: Record<string, Record<string, unknown>>;
    transforms: Record<string, Record<string, unknown>>;
    sinks: Record<string, Record<string, unknown>>;
  };
  /** the configuration as YAML text; the same input always gives the same text */
  yaml: string;
  /** rendered id by pipeline component id */
  ids: Record<string, string>;
}

/**
 * Renders a pipeline (validate it first: {@link validatePipeline}) to Vector configuration.
 *
 * @throws Error when metadata.namespace or metadata.name is missing
 */
export function renderPipeline(
  resource: PipelineResource,
  options: RenderPipelineOptions = {},
): RenderedPipeline {
  const { namespace, name } = resource.metadata ?? {};
  if (typeof namespace !== 'string' || typeof name !== 'string') {
    throw new Error(
      'cannot render a pipeline without metadata.namespace and metadata.name',
    );
  }
  const graph = buildPipelineGraph(resource.spec);
  const ids: Record<string, string> = {};
  for (const c of graph.components) {
    ids[c.id] = renderedComponentId(namespace, name, c.id);
  }
  const renameRef = (ref: string) => {
    const [id, output] = ref.split('.', 2);
    const renamed = renderedComponentId(namespace, name, id);
    return output === undefined ? renamed : `${renamed}.${output}`;
  };
  const inputsOf = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const list = inputsOf.get(edge.to);
    if (list) list.push(edge.from);
    else inputsOf.set(edge.to, [edge.from]);
  }
  const config: RenderedPipeline['config'] = {
    sources: {},
    transforms: {},
    sinks: {},
  };
  for (const c of graph.components) {
    const { type: _type, inputs: _inputs, ...rest } = c.options;
    const entry: Record<string, unknown> = { type: c.type };
    if (c.kind !== 'source') {
      // resolved inputs in the order written; wildcards expanded to what they matched
      entry.inputs = (inputsOf.get(c.id) ?? []).map(renameRef);
    }
    Object.assign(entry, rest);
    config[`${c.kind}s`][ids[c.id]] = entry;
  }
  const document = new Document(
    Object.fromEntries(
      Object.entries(config).filter(([, v]) => Object.keys(v).length > 0),
    ),
  );
  document.commentBefore = ` Rendered by Butler Portal (Herald) for Vector ${VECTOR_VERSION} from Pipeline ${namespace}/${name}${
    options.sourceFile ? ` (${options.sourceFile})` : ''
  }.\n Do not edit: change the pipeline and its pull request instead.`;
  const yaml = document.toString({ lineWidth: 0, indentSeq: true });
  return { fileName: renderedFileName(namespace, name), config, yaml, ids };
}
