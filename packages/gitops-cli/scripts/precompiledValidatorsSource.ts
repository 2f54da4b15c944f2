/*
 * Ajv standalone code for every kind's schema, for single-file builds: the generated module
 * replaces gitops-common's (empty) precompiledValidators.ts, so `butler-gitops` compiles no
 * schema when it starts. The schemas and the Ajv set-up are gitops-common's own
 * (KIND_SCHEMAS, createSchemaCompiler), so the precompiled validators report exactly what the
 * portal's do. Run at build time only (scripts/buildBundle.js), never in the bundle itself.
 */
import standaloneCode from 'ajv/dist/standalone';
import {
  createSchemaCompiler,
  KIND_SCHEMAS,
} from '@butler-portal/plugin-gitops-common';

/**
 * ES module source exporting `PRECOMPILED_VALIDATORS` (schema `$id` → validate function), the
 * shape of gitops-common's precompiledValidators.ts. Extra schemas (another package's kinds)
 * can be passed in; each must carry an `$id`.
 */
export function precompiledValidatorsSource(
  extraSchemas: readonly object[] = [],
): string {
  const ajv = createSchemaCompiler({ code: { source: true, esm: true } });
  const exportNames: Record<string, string> = {};
  const schemas = [...Object.values(KIND_SCHEMAS), ...extraSchemas] as {
    $id?: string;
  }[];
  // sorted by $id so that the generated code, and so the bundle's bytes, never depend on order
  const ids = [...new Set(schemas.map(s => s.$id))].sort();
  for (const schema of schemas) {
    if (typeof schema.$id !== 'string') {
      throw new Error('a precompiled schema needs an $id to be found by');
    }
    if (!ajv.getSchema(schema.$id)) ajv.addSchema(schema);
  }
  ids.forEach((id, i) => {
    exportNames[`validate${i}`] = id!;
  });
  const code = standaloneCode(ajv, exportNames);
  const table = ids
    .map((id, i) => `  ${JSON.stringify(id)}: validate${i},`)
    .join('\n');
  return `${code}\nexport const PRECOMPILED_VALIDATORS = Object.freeze({\n${table}\n});\n`;
}
