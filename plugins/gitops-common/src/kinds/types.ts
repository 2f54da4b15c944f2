import type { KindName } from './kinds';

/** Identifies one resource, and so one file in a GitOps repository. */
export interface ResourceRef {
  kind: KindName;
  namespace: string;
  name: string;
}

/** A resource as it stands in Git: a Kubernetes-style object without `status`. */
export interface GitOpsResource {
  apiVersion: string;
  kind: KindName;
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec: Record<string, any>;
}

/** One problem found in a file: where (JSON path, 1-based line and column) and why. */
export interface ValidationIssue {
  /** repository-relative path of the file, when known */
  file?: string;
  /** JSON Pointer of the offending value, e.g. `/spec/resources/cpu`; `` for the whole document */
  path: string;
  line: number;
  column: number;
  message: string;
}

export type ValidationResult =
  | { ok: true; resource: GitOpsResource; issues: [] }
  | { ok: false; resource?: undefined; issues: ValidationIssue[] };
