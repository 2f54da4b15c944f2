/*
 * A Workspace from a WorkspaceTemplate and the user's choices: the template's
 * `spec.template` gives the defaults, every input the user gave overrides them.
 */
import {
  ANNOTATION_TEMPLATE,
  BUTLER_API_VERSION,
} from '@butler-portal/plugin-gitops-common';
import type { JsonObject } from '@backstage/types';

export interface WorkspaceRepositoryInput {
  url: string;
  branch?: string;
  name?: string;
}

export interface WorkspaceChoices {
  name: string;
  namespace: string;
  owner: string;
  clusterRef: string;
  cpu?: string;
  memory?: string;
  storageSize?: string;
  repositories?: WorkspaceRepositoryInput[];
  dotfiles?: { url: string; installCommand?: string };
  idleTimeout?: string;
  autoStopAfter?: string;
  sshPublicKeys?: string[];
}

/** The WorkspaceTemplate fields the builder reads. */
export interface TemplateRef {
  namespace: string;
  name: string;
  /** `spec.template` of the WorkspaceTemplate */
  template: JsonObject;
}

/** Drops undefined values and empty objects, so an unset choice leaves no empty key behind. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.keys(v).length === 0
    ) {
      continue;
    }
    out[key] = v;
  }
  return out as Partial<T>;
}

const nonEmpty = <T>(list: T[] | undefined): T[] | undefined =>
  list && list.length > 0 ? list : undefined;

export function buildWorkspace(
  choices: WorkspaceChoices,
  from: TemplateRef,
): JsonObject {
  const t = from.template;
  const templateResources = (t.resources ?? {}) as JsonObject;
  const repositories = nonEmpty(choices.repositories)?.map(r =>
    compact({ url: r.url, branch: r.branch, name: r.name }),
  );
  const spec = compact({
    owner: choices.owner,
    clusterRef: { name: choices.clusterRef },
    image: t.image,
    resources: compact({
      cpu: choices.cpu ?? templateResources.cpu,
      memory: choices.memory ?? templateResources.memory,
    }),
    storageSize: choices.storageSize ?? t.storageSize,
    // the user's repositories replace the template's, including its deprecated `repository`
    repositories: repositories ?? t.repositories,
    repository: repositories ? undefined : t.repository,
    dotfiles: choices.dotfiles
      ? compact({
          url: choices.dotfiles.url,
          installCommand: choices.dotfiles.installCommand,
        })
      : t.dotfiles,
    envFrom: t.envFrom,
    idleTimeout: choices.idleTimeout,
    autoStopAfter: choices.autoStopAfter,
    sshPublicKeys: nonEmpty(choices.sshPublicKeys),
  });
  return {
    apiVersion: BUTLER_API_VERSION,
    kind: 'Workspace',
    metadata: {
      name: choices.name,
      namespace: choices.namespace,
      annotations: {
        [ANNOTATION_TEMPLATE]: `${from.namespace}/${from.name}`,
      },
    },
    spec: spec as JsonObject,
  };
}
