/*
 * The GitOps repo skeletons in repo-layouts/: each is self-contained (the embedded portal
 * creates a repository from each folder), its examples pass `butler-gitops validate` and
 * the real Butler CRDs, and its editor and CI settings cover exactly its kind folders.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { KINDS, kindOf } from '@butler-portal/plugin-gitops-common';
import { describeSummary } from './report/summary';
import { REPO_LAYOUTS, REPO_ROOT, runInDir } from './testing/cliHarness';

// the real CRDs, copied into the repository (vendor/README.md)
const BUTLER_CRDS = path.resolve(REPO_ROOT, 'vendor', 'butler-crds');
const SCHEMA_URL = 'http://localhost:7007/api/gitops/schemas';
const LAYOUTS = ['workspaces', 'registry', 'pipelines', 'platform'];
// source repositories, no records: Keeper's example module, chart and policy (repo-layouts/modules)
const SOURCE_LAYOUTS = ['modules'];

function read(...parts: string[]): string {
  return fs.readFileSync(path.join(REPO_LAYOUTS, ...parts), 'utf8');
}

/** The example resource files of a layout, as paths relative to it. */
function examplesOf(layout: string): string[] {
  return fs
    .readdirSync(path.join(REPO_LAYOUTS, layout), {
      recursive: true,
      encoding: 'utf8',
    })
    .map(f => f.split(path.sep).join('/'))
    .filter(f => f.endsWith('.yaml') && !f.startsWith('.'))
    .sort();
}

function kindFoldersOf(layout: string): string[] {
  return fs
    .readdirSync(path.join(REPO_LAYOUTS, layout))
    .filter(name => KINDS.some(k => k.folder === name))
    .sort();
}

/** Makes a CRD schema reject undeclared fields, as the API server's strict field validation does. */
function strictFields(schema: any): any {
  if (schema && typeof schema === 'object') {
    if (
      schema.type === 'object' &&
      schema.properties &&
      !schema['x-kubernetes-preserve-unknown-fields'] &&
      schema.additionalProperties === undefined
    ) {
      schema.additionalProperties = false;
    }
    Object.values(schema).forEach(strictFields);
  }
  return schema;
}

describe('repo-layouts', () => {
  it('has exactly the documented layouts', () => {
    expect(
      fs
        .readdirSync(REPO_LAYOUTS, { withFileTypes: true })
        .filter(e => e.isDirectory())
        .map(e => e.name)
        .sort(),
    ).toEqual([...LAYOUTS, ...SOURCE_LAYOUTS].sort());
  });

  it('keeps every kind in the combined platform layout', () => {
    expect(kindFoldersOf('platform')).toEqual(KINDS.map(k => k.folder).sort());
  });

  describe.each(LAYOUTS)('%s', layout => {
    it('has a README, CODEOWNERS, CI for GitHub and GitLab, git and pre-commit hooks, and editor settings', () => {
      for (const file of [
        'README.md',
        'CODEOWNERS',
        '.github/workflows/validate.yaml',
        '.gitlab-ci.yml',
        '.pre-commit-hooks.yaml',
        '.githooks/pre-push',
        '.githooks/butler-gitops',
        '.vscode/settings.json',
      ]) {
        expect(fs.existsSync(path.join(REPO_LAYOUTS, layout, file))).toBe(true);
      }
    });

    it('validates on its own with butler-gitops', async () => {
      const summary = describeSummary({
        filesChecked: examplesOf(layout).length,
        invalidFiles: 0,
      });
      expect(
        await runInDir(path.join(REPO_LAYOUTS, layout), 'validate'),
      ).toEqual({
        code: 0,
        stdout: `${summary}\n`,
        stderr: '',
      });
    });

    it('has an example for each of its kind folders, each naming its schema in a modeline', () => {
      const examples = examplesOf(layout);
      expect(new Set(examples.map(f => f.split('/')[0]))).toEqual(
        new Set(kindFoldersOf(layout)),
      );
      for (const example of examples) {
        const text = read(layout, example);
        const kind = KINDS.find(k => k.folder === example.split('/')[0])!;
        expect(text.split('\n')[0]).toBe(
          `# yaml-language-server: $schema=${SCHEMA_URL}/${kind.kind.toLowerCase()}.json`,
        );
        const object = parse(text);
        expect(kindOf(object.apiVersion, object.kind)).toBe(kind);
      }
    });

    it('maps each kind folder to its schema for yaml-language-server', () => {
      const settings = JSON.parse(read(layout, '.vscode', 'settings.json'));
      const expected = Object.fromEntries(
        kindFoldersOf(layout).map(folder => {
          const kind = KINDS.find(k => k.folder === folder)!;
          return [
            `${SCHEMA_URL}/${kind.kind.toLowerCase()}.json`,
            [`${folder}/*/*.yaml`],
          ];
        }),
      );
      expect(settings['yaml.schemas']).toEqual(expected);
    });

    // ci/repoLayoutJobs.test.ts runs these jobs; this checks what they are written to do
    it('runs the portal-served butler-gitops in CI, with annotations on GitHub', () => {
      const served =
        '"${BUTLER_PORTAL_URL%/}/api/gitops/cli/butler-gitops.mjs"';
      const github = parse(
        read(layout, '.github', 'workflows', 'validate.yaml'),
      );
      // bash as a named shell runs with -o pipefail: a failed download fails the step
      expect(github.defaults.run.shell).toBe('bash');
      const steps: Array<{ run?: string }> = github.jobs.validate.steps;
      expect(steps.map(s => s.run).join('\n')).toContain(
        `curl -fsSL ${served} |\n  node --input-type=module - validate --format github`,
      );
      const gitlab = parse(read(layout, '.gitlab-ci.yml'));
      expect(gitlab.validate.script).toEqual(
        expect.arrayContaining([
          'set -o pipefail',
          `curl -fsSL ${served} | node --input-type=module - validate`,
        ]),
      );
      const [hook] = parse(read(layout, '.pre-commit-hooks.yaml'));
      expect(hook).toMatchObject({
        id: 'butler-gitops-validate',
        language: 'script',
        entry: '.githooks/butler-gitops validate --changed-since HEAD',
        pass_filenames: false,
      });
    });

    it('assigns owners in CODEOWNERS to folders that exist', () => {
      const patterns = read(layout, 'CODEOWNERS')
        .split('\n')
        .filter(line => line.trim() && !line.startsWith('#'))
        .map(line => line.split(/\s+/)[0]);
      expect(patterns[0]).toBe('*');
      for (const pattern of patterns.slice(1)) {
        expect(fs.existsSync(path.join(REPO_LAYOUTS, layout, pattern))).toBe(
          true,
        );
      }
    });

    it('has Butler examples that the real Butler CRDs accept', () => {
      // The CRDs' formats (int64, date-time) only annotate status fields.
      const ajv = new Ajv({
        strict: false,
        allErrors: true,
        validateFormats: false,
      });
      for (const example of examplesOf(layout)) {
        const object = parse(read(layout, example));
        const kind = kindOf(object.apiVersion, object.kind)!;
        if (!kind.crdName) continue;
        const crd = parse(
          fs.readFileSync(
            path.join(BUTLER_CRDS, `butler.butlerlabs.dev_${kind.plural}.yaml`),
            'utf8',
          ),
        );
        expect(crd.metadata.name).toBe(kind.crdName);
        const version = crd.spec.versions.find(
          (v: { name: string }) =>
            `${crd.spec.group}/${v.name}` === kind.apiVersion,
        );
        const check = ajv.compile(strictFields(version.schema.openAPIV3Schema));
        expect({ example, valid: check(object), errors: check.errors }).toEqual(
          {
            example,
            valid: true,
            errors: null,
          },
        );
      }
    });
  });
});
