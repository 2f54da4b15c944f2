/*
 * What the server knows about one kind of resource: names for URLs and discovery, scope, and
 * per served version its schema, whether it has a status subresource and how it is validated.
 * Built-in kinds (Namespace, ConfigMap, CustomResourceDefinition) and custom resources are
 * described the same way, so every request goes through the same code.
 */
import { FieldError } from '../api/status';
import { NameRule } from '../api/objectMeta';
import { OpenApiSchema } from '../schema/structural';

export interface ServedVersion {
  name: string;
  /** the whole object's structural schema (apiVersion, kind, ObjectMeta included) */
  schema: OpenApiSchema;
  statusSubresource: boolean;
  /** schema and kind-specific checks of a candidate object; `old` is set on updates */
  validate(
    object: Record<string, any>,
    old?: Record<string, any>,
  ): FieldError[];
}

export interface ResourceType {
  group: string;
  /** served versions, the storage version first */
  versions: ServedVersion[];
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  nameRule: NameRule;
  /** PUT without metadata.resourceVersion is allowed (true for core kinds, false for CRs and CRDs) */
  allowUnconditionalUpdate: boolean;
  /** metadata.generation is kept (bumped on changes outside metadata and status) */
  tracksGeneration: boolean;
  /** a custom resource: list items carry apiVersion/kind, no strategic merge patch */
  custom: boolean;
  /** sets server-side fields on create (Namespace phase, CRD conditions, ...) */
  onCreate?(object: Record<string, any>): void;
}

export function storageKey(
  type: Pick<ResourceType, 'group' | 'plural'>,
): string {
  return `${type.group}/${type.plural}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function servedVersion(
  type: ResourceType,
  version: string,
): ServedVersion | undefined {
  return type.versions.find(v => v.name === version);
}
