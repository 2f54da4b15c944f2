/*
 * The one validation every way in shares: portal forms, the change-request service, the
 * reconciler and the `butler-gitops validate` CLI all call `validate()` on the text of a file.
 */
import Ajv, { type Options as AjvOptions, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { KINDS, kindOf, type KindInfo, type KindName } from '../kinds/kinds';
import type {
  GitOpsResource,
  ValidationIssue,
  ValidationResult,
} from '../kinds/types';
import type { RepoLayout } from '../layout/resourcePath';
import { parseResourceYaml } from '../yaml/parseResourceYaml';
import {
  checkArtifactVersionName,
  checkResourceLocation,
  unknownKindIssue,
} from './portalRules';
import { schemaIssues } from './schemaIssues';
import { KIND_SCHEMAS } from './schemas';
import { PRECOMPILED_VALIDATORS } from './precompiledValidators';
import { findSecrets } from './secrets';
import { sshPublicKeyIssues } from './sshPublicKeys';

/** Options of {@link validate}. */
export interface ValidateOptions {
  /** largest accepted file in bytes; default 1 MiB */
  maxBytes?: number;
  /** the repository's layout, for the path check when a file path is given */
  layout?: RepoLayout;
}

/**
 * The Ajv instance every kind's schema is compiled with: here on first use, and ahead of time by
 * single-file builds (Ajv standalone code, see precompiledValidators.ts), so that both report
 * the same errors.
 * allErrors: report everything at once; verbose: messages quote the value and the schema.
 * strict: false, because the schemas carry annotations (examples, x-*) for forms and IDEs.
 *
 * @param options - further Ajv options, e.g. `{ code: { source: true } }` for standalone code
 */
export function createSchemaCompiler(options: AjvOptions = {}): Ajv {
  const ajv = new Ajv({
    ...options,
    allErrors: true,
    verbose: true,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Validates resource files against the kinds' JSON Schemas and the portal's rules.
 *
 * @remarks
 * Each kind's schema is compiled on first use and kept (or taken precompiled, when the build
 * provides it); an instance holds nothing else, so one instance can serve any number of callers.
 */
export class ResourceValidator {
  #ajv: Ajv | undefined;
  readonly #compiled = new Map<KindName, ValidateFunction>();

  /**
   * Validates the text of one resource file.
   *
   * @param text - the file content
   * @param file - repository-relative path; when given, the file must be at the layout's path
   *   for its kind, namespace and name, and every issue carries it
   * @returns `ok` with the resource, or every issue found, each with a JSON Pointer, a 1-based
   *   line and column and a readable message, ordered by position. Never throws.
   */
  validate(
    text: string,
    file?: string,
    options: ValidateOptions = {},
  ): ValidationResult {
    let issues: ValidationIssue[];
    let resource: GitOpsResource | undefined;
    try {
      ({ issues, resource } = this.#check(text, file, options));
    } catch (error) {
      // every step is meant to report, not throw; should one still throw, say so, never crash
      issues = [
        {
          path: '',
          line: 1,
          column: 1,
          message: `validation failed: ${String(error)}`,
        },
      ];
    }
    if (issues.length === 0 && resource) {
      return { ok: true, resource, issues: [] };
    }
    const withFile =
      file === undefined ? issues : issues.map(i => ({ file, ...i }));
    return {
      ok: false,
      issues: withFile.sort((a, b) => a.line - b.line || a.column - b.column),
    };
  }

  #check(
    text: string,
    file: string | undefined,
    options: ValidateOptions,
  ): { issues: ValidationIssue[]; resource?: GitOpsResource } {
    const parsed = parseResourceYaml(text, { maxBytes: options.maxBytes });
    if (!parsed.ok) {
      return { issues: parsed.issues };
    }
    const { yaml } = parsed;
    const value = yaml.value;
    // a credential is reported whatever else is wrong: it must not reach a branch at all
    const issues = findSecrets(yaml, text);

    const kind = kindOf(value.apiVersion, value.kind);
    if (!kind) {
      return { issues: [...issues, unknownKindIssue(value, yaml, KINDS)] };
    }
    const validateSchema = this.#validatorFor(kind);
    if (!validateSchema(value)) {
      issues.push(
        ...schemaIssues(
          validateSchema.errors ?? [],
          KIND_SCHEMAS[kind.kind],
          yaml,
        ),
      );
    }
    // the name rule compares fields; only meaningful once the fields themselves are valid
    const fieldsValid = !issues.some(i =>
      /^\/(metadata\/name|spec\/artifact|spec\/version)$/.test(i.path),
    );
    if (kind.kind === 'ArtifactVersion' && fieldsValid) {
      issues.push(...checkArtifactVersionName(value, yaml));
    }
    if (kind.kind === 'Workspace') {
      // a key entry gets one issue saying what is wrong with it as a key, even when it is a
      // private key the secret scan also caught
      const keyIssues = sshPublicKeyIssues(value, yaml);
      const keyPaths = new Set(keyIssues.map(i => i.path));
      const others = issues.filter(i => !keyPaths.has(i.path));
      issues.splice(0, issues.length, ...others, ...keyIssues);
    }
    if (file !== undefined) {
      issues.push(
        ...checkResourceLocation(kind, value, file, yaml, options.layout),
      );
    }
    return { issues, resource: value as unknown as GitOpsResource };
  }

  #validatorFor(kind: KindInfo): ValidateFunction {
    let compiled = this.#compiled.get(kind.kind);
    if (!compiled) {
      const schema = KIND_SCHEMAS[kind.kind] as { $id?: string };
      compiled =
        (schema.$id !== undefined && PRECOMPILED_VALIDATORS[schema.$id]) ||
        this.#compiler().compile(schema);
      this.#compiled.set(kind.kind, compiled);
    }
    return compiled;
  }

  /** Ajv itself is only set up when a schema has to be compiled here. */
  #compiler(): Ajv {
    this.#ajv ??= createSchemaCompiler();
    return this.#ajv;
  }
}

const defaultValidator = new ResourceValidator();

/**
 * Validates the text of one resource file: size, YAML syntax (one document, no duplicate keys,
 * no aliases), kind, the kind's JSON Schema, and the portal's rules (no secrets, ArtifactVersion
 * naming, and, when `file` is given, the repo-layout path).
 *
 * @param text - the file content
 * @param file - repository-relative path of the file, e.g. `workspaces/team-a/dev.yaml`
 * @returns `{ ok: true, resource }`, or `{ ok: false, issues }` with every issue located by
 *   JSON Pointer, 1-based line and column. Never throws.
 */
export function validate(
  text: string,
  file?: string,
  options?: ValidateOptions,
): ValidationResult {
  return defaultValidator.validate(text, file, options);
}
