/*
 * scripts/generate-crd-schemas.js: the OpenAPI -> JSON Schema translation and its failure modes.
 * (The parity test checks its output on the real CRDs; these pin the rules on small inputs.)
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import YAML from 'yaml';
import { clone, crdsDir, loadGenerator, strictAjv } from './schemaTestUtils';

const generator = loadGenerator();

describe('convertOpenApiSchema', () => {
  const convert = (node: any) => generator.convertOpenApiSchema(node, '/spec');

  it('closes objects unless the CRD preserves unknown fields', () => {
    expect(
      convert({
        type: 'object',
        properties: {
          a: { type: 'string' },
          free: {
            type: 'object',
            'x-kubernetes-preserve-unknown-fields': true,
          },
          map: { type: 'object', additionalProperties: { type: 'string' } },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        a: { type: 'string' },
        free: { type: 'object', additionalProperties: true },
        map: { type: 'object', additionalProperties: { type: 'string' } },
      },
      additionalProperties: false,
    });
  });

  it('turns int-or-string into integer | string, the pattern on the string', () => {
    const schema = convert({
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      pattern: '^[0-9]+Gi$',
      'x-kubernetes-int-or-string': true,
    });
    const validate = strictAjv().compile(schema);
    expect([10, '10Gi', 'ten', 1.5].map(v => validate(v))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('adds null for nullable, unique items for sets, numbers for OpenAPI 3.0 exclusive bounds', () => {
    expect(
      convert({ type: 'string', nullable: true, description: 'd' }),
    ).toEqual({
      description: 'd',
      anyOf: [{ type: 'string' }, { type: 'null' }],
    });
    expect(
      convert({
        type: 'array',
        items: { type: 'string' },
        'x-kubernetes-list-type': 'set',
      }),
    ).toEqual({ type: 'array', uniqueItems: true, items: { type: 'string' } });
    expect(
      convert({
        type: 'integer',
        minimum: 0,
        exclusiveMinimum: true,
        maximum: 10,
      }),
    ).toEqual({ type: 'integer', maximum: 10, exclusiveMinimum: 0 });
  });

  it('keeps descriptions, enums, formats, bounds and defaults', () => {
    const node = {
      description: 'Kind of the source workload.',
      type: 'string',
      enum: ['Deployment', 'StatefulSet'],
      format: 'byte',
      minLength: 1,
      maxLength: 20,
      default: 'Deployment',
    };
    expect(convert(node)).toEqual(node);
  });

  it('refuses what it cannot translate instead of dropping the rule', () => {
    expect(() =>
      convert({
        type: 'object',
        properties: {
          size: {
            type: 'integer',
            'x-kubernetes-validations': [{ rule: 'self > 0' }],
          },
        },
      }),
    ).toThrow(
      '/spec/properties/size: OpenAPI keyword "x-kubernetes-validations" is not translated',
    );
  });
});

describe('generateSchemas', () => {
  const workspace = generator.BUTLER_KINDS.find(k => k.kind === 'Workspace')!;

  function tempCrdsWith(mutate: (crd: any) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-crds-'));
    for (const kindDef of generator.BUTLER_KINDS) {
      const { file, crd } = generator.readCrd(crdsDir(), kindDef);
      const copy = clone(crd);
      if (kindDef === workspace) mutate(copy);
      fs.writeFileSync(
        path.join(dir, path.basename(file)),
        YAML.stringify(copy),
      );
    }
    return dir;
  }

  it('fails, naming the folder, when the CRDs are not there', () => {
    expect(() => generator.generateSchemas('/nonexistent/butler-crds')).toThrow(
      /\/nonexistent\/butler-crds\/butler\.butlerlabs\.dev_workspaces\.yaml not found; set BUTLER_CRDS_DIR/,
    );
  });

  it('fails when a field a portal rule applies to disappears upstream', () => {
    const dir = tempCrdsWith(crd => {
      delete crd.spec.versions[0].schema.openAPIV3Schema.properties.spec
        .properties.owner;
    });
    try {
      expect(() => generator.generateSchemas(dir)).toThrow(
        'Workspace: the CRD no longer has spec field owner',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows a new upstream field into the schema', () => {
    const dir = tempCrdsWith(crd => {
      crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.gpu =
        {
          description: 'GPUs for the workspace pod.',
          type: 'integer',
          minimum: 0,
        };
    });
    try {
      const schema = JSON.parse(
        generator.generateSchemas(dir).get('workspace.schema.json')!,
      );
      expect(schema.properties.spec.properties.gpu).toEqual({
        description: 'GPUs for the workspace pod.',
        type: 'integer',
        minimum: 0,
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
