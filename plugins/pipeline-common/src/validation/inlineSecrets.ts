/*
 * Pipelines reach Vector through Git and a ConfigMap or a directory: a credential written into
 * an option would be readable by everyone who can read either. Credentials are therefore only
 * accepted as Vector secret references, `SECRET[<backend>.<key>]`, which Vector resolves at load
 * time from the secret backend the deployment configures. Which options hold credentials comes
 * from Vector's own schema (options typed `SensitiveString`), plus the usual names.
 */
import {
  describePointer,
  parsePointer,
  toPointer,
  type PathSegment,
} from '@butler-portal/plugin-gitops-common';
import { vectorCatalog } from '../catalog/catalog';
import type { PipelineComponent } from '../graph/types';
import type { Finding } from './types';

/** Vector's secret reference: `SECRET[backend.key]`. */
export const SECRET_REFERENCE = /^SECRET\[[A-Za-z0-9_-]+\.[A-Za-z0-9_./-]+\]$/;

/** Option names that hold a credential whatever the component (compared in lower case). */
const CREDENTIAL_NAME =
  /(?:^|_)(?:password|passwd|token|api_key|secret|secret_key|secret_access_key|private_key|key_pass|client_secret|credentials)$/;

const SENSITIVE_REFS = [
  '#/definitions/vector_common::sensitive_string::SensitiveString',
  '#/definitions/core::option::Option<vector_common::sensitive_string::SensitiveString>',
];

let sensitiveNames: Set<string> | undefined;

/** Property names Vector's schema types as `SensitiveString`, collected once. */
function sensitiveOptionNames(): Set<string> {
  if (sensitiveNames) return sensitiveNames;
  const names = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === 'object') {
      const properties = (node as Record<string, unknown>).properties;
      if (properties && typeof properties === 'object') {
        for (const [name, schema] of Object.entries(properties)) {
          const ref = (schema as { $ref?: unknown } | null)?.$ref;
          if (typeof ref === 'string' && SENSITIVE_REFS.includes(ref)) {
            names.add(name);
          }
        }
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(vectorCatalog.definitions);
  sensitiveNames = names;
  return names;
}

function isCredentialName(name: string): boolean {
  return (
    sensitiveOptionNames().has(name) || CREDENTIAL_NAME.test(name.toLowerCase())
  );
}

/** Every credential option of a component whose value is not a `SECRET[...]` reference. */
export function inlineSecretFindings(component: PipelineComponent): Finding[] {
  const findings: Finding[] = [];
  const base: PathSegment[] = [...parsePointer(component.pointer), 'options'];
  const walk = (value: unknown, path: PathSegment[], depth: number) => {
    if (depth > 32) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, index], depth + 1));
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (
        isCredentialName(key) &&
        (typeof child === 'string' || typeof child === 'number') &&
        String(child).trim() !== '' &&
        !SECRET_REFERENCE.test(String(child).trim())
      ) {
        const pointer = toPointer([...path, key]);
        findings.push({
          pointer,
          target: 'value',
          severity: 'error',
          rule: 'inline-secret',
          message: `${describePointer(
            pointer,
          )}: holds a credential; write a Vector secret reference such as SECRET[backend.${key}] instead of the value`,
        });
      } else {
        walk(child, [...path, key], depth + 1);
      }
    }
  };
  walk(component.options, base, 0);
  return findings;
}
