/*
 * CustomResourceDefinitions: the checks the apiserver makes when one is created, and the
 * resource type it serves once installed (one per CRD, every served version with its schema).
 */
import { FieldError } from '../api/status';
import { nameProblem, validateObjectMeta } from '../api/objectMeta';
import { OpenApiSchema, rootSchema } from '../schema/structural';
import { compileValidator, toFieldErrors } from '../schema/validation';
import { ResourceType, ServedVersion } from './ResourceType';

function required(field: string, detail = ''): FieldError {
  return {
    field,
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
  };
}

function invalidValue(field: string, value: unknown, why: string): FieldError {
  return {
    field,
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
  };
}

/** The apiserver's validation of a CustomResourceDefinition (the subset that matters here). */
export function crdProblems(crd: Record<string, any>): FieldError[] {
  const errors: FieldError[] = [];
  const spec = crd.spec ?? {};
  const group = spec.group;
  if (!group) {
    errors.push(required('spec.group'));
  } else if (!group.includes('.') || nameProblem(group, 'dns1123Subdomain')) {
    errors.push(
      invalidValue(
        'spec.group',
        group,
        'should be a domain with at least one dot',
      ),
    );
  }
  const names = spec.names ?? {};
  if (!names.plural) errors.push(required('spec.names.plural'));
  else if (nameProblem(names.plural, 'dns1123Label')) {
    errors.push(
      invalidValue(
        'spec.names.plural',
        names.plural,
        nameProblem(names.plural, 'dns1123Label')!,
      ),
    );
  }
  if (!names.kind) errors.push(required('spec.names.kind'));
  if (
    group &&
    names.plural &&
    crd.metadata?.name !== `${names.plural}.${group}`
  ) {
    errors.push(
      invalidValue(
        'metadata.name',
        crd.metadata?.name,
        'must be spec.names.plural+"."+spec.group',
      ),
    );
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errors.push({
      field: 'spec.scope',
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(
        spec.scope ?? '',
      )}: supported values: "Cluster", "Namespaced"`,
    });
  }
  const versions: any[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.filter(v => v?.storage === true).length !== 1) {
    errors.push(
      invalidValue(
        'spec.versions',
        versions.map(v => v?.name),
        'must have exactly one version marked as storage version',
      ),
    );
  }
  versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    if (!v?.name) errors.push(required(`${at}.name`));
    const schema = v?.schema?.openAPIV3Schema;
    if (!schema) {
      errors.push(
        required(`${at}.schema.openAPIV3Schema`, 'schemas are required'),
      );
      return;
    }
    try {
      compileValidator(rootSchema(schema), `${crd.metadata?.name} ${v.name}`);
    } catch (e) {
      errors.push(
        invalidValue(
          `${at}.schema.openAPIV3Schema`,
          '...',
          `kube-test-apiserver cannot read this schema: ${
            (e as Error).message
          }`,
        ),
      );
    }
  });
  return errors;
}

function servedVersion(crdName: string, v: Record<string, any>): ServedVersion {
  const schema: OpenApiSchema = rootSchema(v.schema.openAPIV3Schema);
  const validator = compileValidator(schema, `${crdName} ${v.name}`);
  return {
    name: v.name,
    schema,
    statusSubresource: v.subresources?.status !== undefined,
    validate(object) {
      const errors = validateObjectMeta(
        object.metadata ?? {},
        'dns1123Subdomain',
      );
      if (!validator(object)) {
        errors.push(...toFieldErrors(validator.errors ?? [], object));
      }
      return errors;
    },
  };
}

/** The resource a (valid) CRD makes the server serve. */
export function resourceTypeFromCrd(crd: Record<string, any>): ResourceType {
  const spec = crd.spec;
  const versions = (spec.versions as any[])
    .filter(v => v.served !== false)
    .sort((a, b) => Number(b.storage === true) - Number(a.storage === true))
    .map(v => servedVersion(crd.metadata.name, v));
  const kind: string = spec.names.kind;
  return {
    group: spec.group,
    versions,
    kind,
    listKind: spec.names.listKind ?? `${kind}List`,
    plural: spec.names.plural,
    singular: spec.names.singular ?? kind.toLowerCase(),
    shortNames: spec.names.shortNames ?? [],
    namespaced: spec.scope === 'Namespaced',
    nameRule: 'dns1123Subdomain',
    allowUnconditionalUpdate: false,
    tracksGeneration: true,
    custom: true,
  };
}
