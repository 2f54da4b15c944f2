/*
 * Test helpers: the repository's example pipelines, and Vector's own configuration schema
 * compiled once, for proving that rendered documents are configurations Vector accepts.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Every Pipeline file under repo-layouts/, repository-layout-relative path and text. */
export function examplePipelines(): {
  layout: string;
  file: string;
  text: string;
}[] {
  const layouts = path.join(REPO_ROOT, 'repo-layouts');
  const found: { layout: string; file: string; text: string }[] = [];
  for (const layout of fs.readdirSync(layouts).sort()) {
    const folder = path.join(layouts, layout, 'pipelines');
    if (!fs.existsSync(folder)) continue;
    for (const file of fs
      .readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .map(f => f.split(path.sep).join('/'))
      .filter(f => f.endsWith('.yaml'))
      .sort()) {
      found.push({
        layout,
        file: `pipelines/${file}`,
        text: fs.readFileSync(path.join(folder, file), 'utf8'),
      });
    }
  }
  return found;
}

let vectorValidator: ValidateFunction | undefined;

/** vendor/vector/vector-config.schema.json (draft 2019-09, as it declares), compiled once. */
export function vectorConfigValidator(): ValidateFunction {
  if (!vectorValidator) {
    const schema = JSON.parse(
      fs.readFileSync(
        path.join(REPO_ROOT, 'vendor', 'vector', 'vector-config.schema.json'),
        'utf8',
      ),
    );
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    addFormats(ajv);
    vectorValidator = ajv.compile(schema);
  }
  return vectorValidator;
}
