import fs from 'node:fs';
import path from 'node:path';
import { KIND_SCHEMAS } from '@butler-portal/plugin-gitops-common';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import {
  CODEC_EVENT_TYPES,
  VECTOR_VERSION,
  componentOptionsSchema,
  componentTypesOf,
  findComponentType,
  vectorCatalog,
} from './catalog';

// the generator is plain Node (CommonJS), run before anything is built
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/generate-catalog.js');

describe('the generated Vector catalog', () => {
  it('is up to date with vendor/vector (run scripts/generate-catalog.js after updating it)', () => {
    const committed = fs.readFileSync(generator.OUTPUT, 'utf8');
    expect(generator.generateFromVendor() === committed).toBe(true);
    expect(path.basename(generator.OUTPUT)).toBe(
      'vectorCatalog.generated.json',
    );
  });

  it('notices a stale catalog', () => {
    const vendor = path.resolve(__dirname, '..', '..', '..', '..', 'vendor');
    const read = (...p: string[]) =>
      fs.readFileSync(path.join(vendor, ...p), 'utf8');
    const components = JSON.parse(read('vector', 'components.json'));
    components['sinks.loki'].input.metrics = { counter: true };
    const regenerated = generator.generateCatalogText(
      read('vector', 'vector-config.schema.json'),
      JSON.stringify(components),
      read('README.md'),
    );
    expect(regenerated).not.toBe(fs.readFileSync(generator.OUTPUT, 'utf8'));
    expect(JSON.parse(regenerated).components['sink:loki'].input).toEqual([
      'logs',
      'metrics',
    ]);
  });

  it('records the pinned Vector version', () => {
    expect(VECTOR_VERSION).toBe('0.54');
    expect(vectorCatalog.componentsSource).toBe(
      'Vector CUE reference docs at c3445d4 (2026-08-21)',
    );
  });

  it('has exactly the component types the Pipeline kind allows', () => {
    const spec = (KIND_SCHEMAS.Pipeline as any).properties.spec.properties;
    for (const [section, kind] of [
      ['sources', 'source'],
      ['transforms', 'transform'],
      ['sinks', 'sink'],
    ] as const) {
      expect(componentTypesOf(kind).map(c => c.type)).toEqual(
        spec[section].additionalProperties.properties.type.enum,
      );
    }
  });

  it('records kind, event types, named outputs and required options', () => {
    expect(findComponentType('source', 'opentelemetry')).toMatchObject({
      kind: 'source',
      input: [],
      output: ['logs', 'metrics', 'traces'],
      outputs: [{ name: 'logs' }, { name: 'traces' }, { name: 'metrics' }],
    });
    expect(findComponentType('sink', 'prometheus_remote_write')).toMatchObject({
      input: ['metrics'],
      inputMetricKinds: [
        'counter',
        'distribution',
        'gauge',
        'histogram',
        'summary',
      ],
      output: [],
      required: [{ option: 'endpoint', type: 'string' }],
    });
    expect(findComponentType('transform', 'remap')!.outputs[0].name).toBe(
      'dropped',
    );
    expect(findComponentType('transform', 'log_to_metric')).toMatchObject({
      input: ['logs'],
      output: ['metrics'],
    });
    expect(findComponentType('sink', 'nope')).toBeUndefined();
    expect(findComponentType('sink', 'constructor')).toBeUndefined();
  });

  it('carries option schemas that compile on their own, definitions deduplicated', () => {
    const ajv = new Ajv2019({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(componentOptionsSchema('sink', 'loki')!);
    expect(
      validate({
        endpoint: 'http://loki:3100',
        encoding: { codec: 'json' },
        labels: { a: 'b' },
      }),
    ).toBe(true);
    expect(validate({ endpoint: 'http://loki:3100', nope: 1 })).toBe(false);
    // far smaller than Vector's whole schema: only what the listed components reach
    expect(Object.keys(vectorCatalog.definitions).length).toBeLessThan(300);
  });

  it('knows what each codec of the pinned Vector serialises', () => {
    const serializer = vectorCatalog.definitions[
      'codecs::encoding::serializer::SerializerConfig'
    ] as { oneOf: any[] };
    const codecs = serializer.oneOf
      .map(branch =>
        JSON.stringify(branch).match(/"codec":\{[^}]*?"const":"([a-z_]+)"/),
      )
      .map(m => m?.[1])
      .filter(Boolean)
      .sort();
    expect(Object.keys(CODEC_EVENT_TYPES).sort()).toEqual(codecs);
  });
});

describe('scripts/generate-catalog.js --check', () => {
  it('exits 0 when the committed catalog is current', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { spawnSync } = require('node:child_process');
    const run = spawnSync(
      process.execPath,
      [path.resolve(__dirname, '../../scripts/generate-catalog.js'), '--check'],
      { encoding: 'utf8' },
    );
    expect({
      status: run.status,
      stdout: run.stdout,
      stderr: run.stderr,
    }).toEqual({
      status: 0,
      stdout:
        'plugins/pipeline-common/src/catalog/vectorCatalog.generated.json is up to date\n',
      stderr: '',
    });
  });
});
