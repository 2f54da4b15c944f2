/*
 * The relations a GitOps entity has to the rest of the catalog:
 *
 *   owner          ownedBy / ownerOf       User or Group (default namespace `default`, kind Group)
 *   Artifact       dependsOn / dependencyOf  the Artifacts of spec.dependencies, and the ArtifactVersion
 *                                            each range resolves to among the merged versions (the
 *                                            processor's resolution annotation); the reverse
 *                                            dependencyOf is the dependency's "used by"
 *   ArtifactVersion partOf / hasPart       its Artifact (spec.artifact, same namespace)
 *   Workspace      dependsOn / dependencyOf  its WorkspaceTemplate (annotation portal.butlerlabs.dev/template,
 *                                            `<namespace>/<name>` or a bare name; or that label of older files)
 *   TenantAddon    dependsOn / dependencyOf  the TenantAddons of spec.dependsOn (same namespace)
 *
 * Who owns what: portal-defined kinds name their owner in spec.owner (an entity ref), Butler kinds
 * in the annotation portal.butlerlabs.dev/owner. A Workspace's spec.owner is the owner's email,
 * so without that annotation the owner is the User whose spec.profile.email matches.
 */
import {
  CompoundEntityRef,
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import type { EntityRelationSpec } from '@backstage/plugin-catalog-node';
import {
  BUTLER_API_VERSION,
  workspaceTemplateRef,
} from '@butler-portal/plugin-gitops-common';
import { ANNOTATION_OWNER } from '../entity/annotations';
import { resolutionOf } from './artifactDependencies';

/** Finds the User entity ref of an email; undefined when no single User has it. */
export type EmailToUserRef = (email: string) => Promise<string | undefined>;

function ownerRef(value: unknown): CompoundEntityRef | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  try {
    // Users and Groups live in the default namespace, not in the resource's (team) namespace
    return parseEntityRef(value.trim(), {
      defaultKind: 'Group',
      defaultNamespace: DEFAULT_NAMESPACE,
    });
  } catch {
    return undefined;
  }
}

async function ownerOf(
  entity: Entity,
  emailToUserRef: EmailToUserRef,
): Promise<CompoundEntityRef | undefined> {
  const spec = entity.spec ?? {};
  const annotated = ownerRef(entity.metadata.annotations?.[ANNOTATION_OWNER]);
  if (entity.apiVersion !== BUTLER_API_VERSION) {
    return ownerRef(spec.owner) ?? annotated;
  }
  if (annotated) return annotated;
  if (
    entity.kind === 'Workspace' &&
    typeof spec.owner === 'string' &&
    spec.owner.includes('@')
  ) {
    const userRef = await emailToUserRef(spec.owner.trim());
    return userRef ? parseEntityRef(userRef) : undefined;
  }
  return undefined;
}

/** `name` or `namespace/name` of a same-kind reference, resolved against the entity's namespace. */
function sameKindRef(
  kind: string,
  value: unknown,
  namespace: string,
): CompoundEntityRef | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const slash = value.indexOf('/');
  return slash < 0
    ? { kind, namespace, name: value }
    : { kind, namespace: value.slice(0, slash), name: value.slice(slash + 1) };
}

function dependencies(
  entity: Entity,
  self: CompoundEntityRef,
): CompoundEntityRef[] {
  const spec = entity.spec ?? {};
  const namespace = self.namespace;
  const list = (value: unknown) => (Array.isArray(value) ? value : []);
  switch (entity.kind) {
    case 'Artifact':
      return list(spec.dependencies).flatMap(
        d => sameKindRef('Artifact', d?.artifact, namespace) ?? [],
      );
    case 'TenantAddon':
      return list(spec.dependsOn).flatMap(
        d => sameKindRef('TenantAddon', d?.name, namespace) ?? [],
      );
    case 'Workspace': {
      const template = workspaceTemplateRef({ ...entity.metadata, namespace });
      return template ? [{ kind: 'WorkspaceTemplate', ...template }] : [];
    }
    default:
      return [];
  }
}

/** Every relation of a GitOps entity, each in both directions. */
export async function entityRelations(
  entity: Entity,
  emailToUserRef: EmailToUserRef,
): Promise<EntityRelationSpec[]> {
  const self: CompoundEntityRef = {
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
    name: entity.metadata.name,
  };
  const relations: EntityRelationSpec[] = [];
  const pair = (
    target: CompoundEntityRef,
    forward: string,
    backward: string,
  ) => {
    relations.push({ source: self, type: forward, target });
    relations.push({ source: target, type: backward, target: self });
  };

  const owner = await ownerOf(entity, emailToUserRef);
  if (owner) pair(owner, RELATION_OWNED_BY, RELATION_OWNER_OF);
  for (const dependency of dependencies(entity, self)) {
    pair(dependency, RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF);
  }
  if (entity.kind === 'Artifact') {
    for (const { artifact, resolved } of resolutionOf(entity)) {
      const ref = resolved && sameKindRef('Artifact', artifact, self.namespace);
      if (!ref) continue;
      pair(
        { ...ref, kind: 'ArtifactVersion', name: `${ref.name}-${resolved}` },
        RELATION_DEPENDS_ON,
        RELATION_DEPENDENCY_OF,
      );
    }
  }
  if (entity.kind === 'ArtifactVersion') {
    const artifact = sameKindRef(
      'Artifact',
      entity.spec?.artifact,
      self.namespace,
    );
    if (artifact) pair(artifact, RELATION_PART_OF, RELATION_HAS_PART);
  }
  return relations;
}
