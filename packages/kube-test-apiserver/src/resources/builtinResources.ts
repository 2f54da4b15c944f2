/*
 * The built-in kinds the portal touches: Namespace, ConfigMap, Pod and Secret (core/v1) and
 * CustomResourceDefinition (apiextensions.k8s.io/v1). Their schemas are written here in the
 * same OpenAPI form as a CRD's, covering the fields the portal and its tests use.
 */
import { FieldError } from '../api/status';
import { validateObjectMeta } from '../api/objectMeta';
import { OpenApiSchema, rootSchema } from '../schema/structural';
import { compileValidator, toFieldErrors } from '../schema/validation';
import { ResourceType, ServedVersion } from './ResourceType';
import { crdProblems } from './customResources';

function version(
  name: string,
  schema: OpenApiSchema,
  statusSubresource: boolean,
  nameRule: ResourceType['nameRule'],
  extra?: (
    object: Record<string, any>,
    old?: Record<string, any>,
  ) => FieldError[],
): ServedVersion {
  const root = rootSchema(schema);
  let validator: ReturnType<typeof compileValidator> | undefined;
  return {
    name,
    schema: root,
    statusSubresource,
    validate(object, old) {
      validator ??= compileValidator(root, `builtin ${name}`);
      const errors = validateObjectMeta(object.metadata ?? {}, nameRule);
      if (!validator(object)) {
        errors.push(...toFieldErrors(validator.errors ?? [], object));
      }
      return [...errors, ...(extra ? extra(object, old) : [])];
    },
  };
}

/**
 * A built-in kind served in one version, v1: never custom, and its objects' names follow the
 * kind's own name rule.
 */
function builtinKind(
  kind: Omit<ResourceType, 'custom' | 'versions'> & {
    v1: {
      schema: OpenApiSchema;
      statusSubresource: boolean;
      extra?: Parameters<typeof version>[4];
    };
  },
): ResourceType {
  const { v1, ...rest } = kind;
  return {
    ...rest,
    custom: false,
    versions: [
      version('v1', v1.schema, v1.statusSubresource, kind.nameRule, v1.extra),
    ],
  };
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

function configMapProblems(
  object: Record<string, any>,
  old?: Record<string, any>,
): FieldError[] {
  const errors: FieldError[] = [];
  let size = 0;
  for (const field of ['data', 'binaryData']) {
    for (const [key, value] of Object.entries(object[field] ?? {})) {
      size += key.length + String(value).length;
      if (!CONFIG_KEY.test(key) || key === '.' || key === '..') {
        errors.push({
          field: `${field}[${key}]`,
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(
            key,
          )}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
        });
      }
    }
  }
  if (size > CONFIG_MAP_MAX_BYTES) {
    errors.push({
      field: 'data',
      reason: 'FieldValueTooLong',
      message: `Too long: must have at most ${CONFIG_MAP_MAX_BYTES} bytes`,
    });
  }
  if (old?.immutable === true) {
    const same = (a: unknown, b: unknown) =>
      JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
    if (
      !same(old.data, object.data) ||
      !same(old.binaryData, object.binaryData)
    ) {
      errors.push({
        field: 'data',
        reason: 'FieldValueForbidden',
        message: 'Forbidden: field is immutable when `immutable` is set',
      });
    }
    if (object.immutable !== true) {
      errors.push({
        field: 'immutable',
        reason: 'FieldValueForbidden',
        message: 'Forbidden: field is immutable when `immutable` is set',
      });
    }
  }
  return errors;
}

export const NAMESPACE = builtinKind({
  group: '',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  nameRule: 'dns1123Label',
  allowUnconditionalUpdate: true,
  tracksGeneration: false,
  v1: {
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            finalizers: { type: 'array', items: { type: 'string' } },
          },
        },
        status: {
          type: 'object',
          properties: {
            phase: { type: 'string', enum: ['Active', 'Terminating'] },
            conditions: {
              type: 'array',
              items: {
                type: 'object',
                'x-kubernetes-preserve-unknown-fields': true,
              },
            },
          },
        },
      },
    },
    statusSubresource: true,
  },
  onCreate(object) {
    object.metadata.labels = {
      ...(object.metadata.labels ?? {}),
      'kubernetes.io/metadata.name': object.metadata.name,
    };
    object.spec = { finalizers: ['kubernetes'] };
    object.status = { phase: 'Active' };
  },
});

export const CONFIG_MAP = builtinKind({
  group: '',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  nameRule: 'dns1123Subdomain',
  allowUnconditionalUpdate: true,
  tracksGeneration: false,
  v1: {
    schema: {
      type: 'object',
      properties: {
        data: { type: 'object', additionalProperties: { type: 'string' } },
        binaryData: {
          type: 'object',
          additionalProperties: { type: 'string', format: 'byte' },
        },
        immutable: { type: 'boolean' },
      },
    },
    statusSubresource: false,
    extra: configMapProblems,
  },
});

export const CUSTOM_RESOURCE_DEFINITION = builtinKind({
  group: 'apiextensions.k8s.io',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  namespaced: false,
  nameRule: 'dns1123Subdomain',
  allowUnconditionalUpdate: false,
  tracksGeneration: true,
  v1: {
    schema: {
      type: 'object',
      required: ['spec'],
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
        },
        status: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
    },
    statusSubresource: true,
    extra: crdProblems,
  },
  onCreate(object) {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    object.status = {
      acceptedNames: object.spec?.names ?? {},
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: now,
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: now,
        },
      ],
      storedVersions: (object.spec?.versions ?? [])
        .filter((v: any) => v.storage)
        .map((v: any) => v.name),
    };
  },
});

/**
 * Pods exist so that `pods/exec` has a target (execServer): spec and status are kept as given;
 * no container runs. An exec runs a real process in the pod's sandbox folder instead.
 */
export const POD = builtinKind({
  group: '',
  kind: 'Pod',
  listKind: 'PodList',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  namespaced: true,
  nameRule: 'dns1123Subdomain',
  allowUnconditionalUpdate: true,
  tracksGeneration: false,
  v1: {
    schema: {
      type: 'object',
      properties: {
        spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        status: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
    },
    statusSubresource: true,
  },
});

/** Secrets hold e.g. a tenant cluster's kubeconfig (TenantCluster kubeconfigSecretRef). */
export const SECRET = builtinKind({
  group: '',
  kind: 'Secret',
  listKind: 'SecretList',
  plural: 'secrets',
  singular: 'secret',
  shortNames: [],
  namespaced: true,
  nameRule: 'dns1123Subdomain',
  allowUnconditionalUpdate: true,
  tracksGeneration: false,
  v1: {
    schema: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        data: {
          type: 'object',
          additionalProperties: { type: 'string', format: 'byte' },
        },
        immutable: { type: 'boolean' },
      },
    },
    statusSubresource: false,
  },
});

export const BUILTIN_RESOURCES: ResourceType[] = [
  NAMESPACE,
  CONFIG_MAP,
  CUSTOM_RESOURCE_DEFINITION,
  POD,
  SECRET,
];
