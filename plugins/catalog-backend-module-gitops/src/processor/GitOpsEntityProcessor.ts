/*
 * Makes the portal's kinds (Workspace, WorkspaceTemplate, TenantAddon, Artifact, ArtifactVersion,
 * Pipeline) known to the catalog: validates each entity with the portal's own validation (the
 * JSON Schemas and rules of gitops-common, the same the forms, the CLI and the reconciler use)
 * and emits its relations. Entities of these kinds are checked whatever brought them in, so a
 * hand-registered catalog-info.yaml with `kind: Workspace` is held to the same rules.
 *
 * It is also where a broken file on the default branch becomes visible: the provider marks the
 * entity with portal.butlerlabs.dev/source-error and this processor reports that as a processing
 * error. The catalog then keeps the last valid entity (and its relations) and lists the error in
 * the entity's `status.items`.
 *
 * And it records on each entity the team that owns its file (portal.butlerlabs.dev/owning-team,
 * by gitops-common's declaredOwningTeam, the rule the gitops backend reads files by), so that the
 * permission policy's condition on catalog.entity.read is a query of the catalog's database:
 * a team's GitOps entities are read by its members as its files are. Computed here, whatever
 * brought the entity in, so a hand-written annotation cannot claim a team the file does not.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  type CatalogProcessor,
  type CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_OWNING_TEAM,
  declaredOwningTeam,
  kindOf,
  validate,
} from '@butler-portal/plugin-gitops-common';
import {
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_SOURCE_ERROR,
  ANNOTATION_SOURCE_PATH,
  ANNOTATION_SOURCE_REPOSITORY,
} from '../entity/annotations';
import { entityToResource, formatIssues } from '../entity/resourceToEntity';
import {
  resolveDependencies,
  withResolution,
  type ServedVersionsOf,
} from './artifactDependencies';
import { type EmailToUserRef, entityRelations } from './entityRelations';
import { ValidatedResources } from './ValidatedResources';

export interface GitOpsEntityProcessorOptions {
  /** finds the User of a Workspace owner's email; see UserByEmailResolver */
  emailToUserRef: EmailToUserRef;
  /**
   * resources already known to be valid (the entity provider records what the commit snapshot
   * validated); these are not validated again. Default: an own, initially empty record.
   */
  validated?: ValidatedResources;
  /**
   * Keeper: the merged versions of an artifact (see CatalogArtifactVersions), to resolve the
   * `spec.dependencies` ranges of Artifacts; without it they are not resolved
   */
  artifactVersions?: ServedVersionsOf;
}

/** Whether the entity is of one of the portal's GitOps kinds (apiVersion and kind both match). */
export function isGitOpsEntity(entity: Entity): boolean {
  return kindOf(entity.apiVersion, entity.kind) !== undefined;
}

/**
 * The entity with its file's declared owning team recorded (none when it declares none); on an
 * entity of another kind the annotation is dropped, as only this processor may write it.
 */
export function withOwningTeam(entity: Entity): Entity {
  const gitops = isGitOpsEntity(entity);
  const { [ANNOTATION_OWNING_TEAM]: recorded, ...annotations } =
    entity.metadata.annotations ?? {};
  if (!gitops && recorded === undefined) return entity;
  const team = gitops
    ? declaredOwningTeam(entityToResource(entity))
    : undefined;
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...annotations,
        ...(team && { [ANNOTATION_OWNING_TEAM]: team }),
      },
    },
  };
}

function sourceErrorMessage(entity: Entity, issues: string): string {
  const annotations = entity.metadata.annotations ?? {};
  const path = annotations[ANNOTATION_SOURCE_PATH] ?? 'the file';
  const repository = annotations[ANNOTATION_SOURCE_REPOSITORY];
  const commit = annotations[ANNOTATION_SOURCE_COMMIT];
  const where = [
    path,
    repository ? `in repository ${repository}` : undefined,
    commit ? `at commit ${commit.slice(0, 12)}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    `${where} is not a valid resource; the catalog keeps the last valid version of ` +
    `${stringifyEntityRef(entity)} until it is fixed:\n${issues}`
  );
}

export class GitOpsEntityProcessor implements CatalogProcessor {
  readonly #emailToUserRef: EmailToUserRef;
  readonly #validated: ValidatedResources;
  readonly #artifactVersions?: ServedVersionsOf;

  constructor(options: GitOpsEntityProcessorOptions) {
    this.#emailToUserRef = options.emailToUserRef;
    this.#validated = options.validated ?? new ValidatedResources();
    this.#artifactVersions = options.artifactVersions;
  }

  getProcessorName(): string {
    return 'GitOpsEntityProcessor';
  }

  async preProcessEntity(
    input: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const entity = withOwningTeam(input);
    if (!isGitOpsEntity(entity)) return entity;
    const sourceError = entity.metadata.annotations?.[ANNOTATION_SOURCE_ERROR];
    if (sourceError !== undefined) {
      emit(
        processingResult.inputError(
          location,
          sourceErrorMessage(entity, sourceError),
        ),
      );
      return entity;
    }
    if (this.#artifactVersions && entity.kind === 'Artifact') {
      // the ranges resolved now, said on the entity: the relations follow from it
      return withResolution(
        entity,
        await resolveDependencies(entity, this.#artifactVersions),
      );
    }
    return entity;
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (!isGitOpsEntity(entity)) {
      return false;
    }
    if (entity.metadata.annotations?.[ANNOTATION_SOURCE_ERROR] !== undefined) {
      // already reported in preProcessEntity, with the file's own line numbers
      return true;
    }
    const resource = ValidatedResources.resourceJson(entity);
    if (this.#validated.has(resource)) return true;
    const result = validate(resource);
    if (!result.ok) {
      throw new InputError(
        `${stringifyEntityRef(entity)} is not a valid ${
          entity.kind
        }:\n${formatIssues(result.issues)}`,
      );
    }
    this.#validated.add(resource);
    return true;
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    // a failing entity's relations are discarded with it; the last valid ones stay
    if (
      !isGitOpsEntity(entity) ||
      entity.metadata.annotations?.[ANNOTATION_SOURCE_ERROR] !== undefined
    ) {
      return entity;
    }
    for (const relation of await entityRelations(
      entity,
      this.#emailToUserRef,
    )) {
      emit(processingResult.relation(relation));
    }
    return entity;
  }
}
