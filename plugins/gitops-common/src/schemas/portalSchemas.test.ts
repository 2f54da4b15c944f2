/*
 * The hand-written schemas of the portal-defined kinds (Artifact, ArtifactVersion, Pipeline),
 * and what every schema file of the KINDS table must have in common.
 */
import fs from 'fs';
import path from 'path';
import { KINDS } from '../kinds';
import {
  clone,
  loadGenerator,
  problemsOf,
  readFixture,
  readFixtures,
  readSchema,
  SCHEMAS_DIR,
  VENDOR_DIR,
  strictAjv,
} from './schemaTestUtils';

const generator = loadGenerator();

describe('every kind of the KINDS table', () => {
  it.each(KINDS.map(k => [k.kind, k]))(
    '%s has a strict draft-07 schema file naming its apiVersion and kind',
    (_kind, info) => {
      const schema = readSchema(info.schemaFile);
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema.$id).toBe(
        `https://butlerlabs.dev/schemas/gitops/${info.schemaFile}`,
      );
      expect(schema.properties.apiVersion.const).toBe(info.apiVersion);
      expect(schema.properties.kind.const).toBe(info.kind);
      expect(schema.required).toEqual([
        'apiVersion',
        'kind',
        'metadata',
        'spec',
      ]);
      expect(schema.additionalProperties).toBe(false);
      expect(schema.properties).not.toHaveProperty('status');
      // Compiles with every ajv strictness check on (unknown keywords, types, required).
      expect(() => strictAjv().compile(schema)).not.toThrow();
      // Importable as @butler-portal/schemas/<file> (the package's exports list every file).
      expect(require.resolve(`@butler-portal/schemas/${info.schemaFile}`)).toBe(
        path.join(SCHEMAS_DIR, info.schemaFile),
      );
    },
  );
});

/**
 * Name rule of each hand-written kind (the schema's description says why), and whether the
 * owner is required: a version belongs to its Artifact's owner unless it names another.
 */
const PORTAL_KINDS = [
  {
    kind: 'Artifact',
    file: 'artifact.schema.json',
    dnsLabel: true,
    maxLength: 63,
    ownerRequired: true,
  },
  {
    kind: 'ArtifactVersion',
    file: 'artifactversion.schema.json',
    dnsLabel: false,
    maxLength: 63,
    ownerRequired: false,
  },
  {
    kind: 'Pipeline',
    file: 'pipeline.schema.json',
    dnsLabel: true,
    maxLength: 63,
    ownerRequired: true,
  },
];

describe.each(PORTAL_KINDS)(
  '$kind schema',
  ({ kind, file, dnsLabel, maxLength, ownerRequired }) => {
    const schema = readSchema(file);
    const validate = strictAjv().compile(schema);
    const fixtures = readFixtures(kind.toLowerCase());

    it('uses the same metadata rules as the generated Butler kinds', () => {
      const expected = generator.metadataSchema({
        dnsLabel,
        maxLength,
        why: '',
      });
      const ours = clone(schema.properties.metadata);
      // The name's description says why this kind has its rule; everything else is shared.
      expect(ours.properties.name.description).toMatch(/\S/);
      delete ours.properties.name.description;
      delete expected.properties.name.description;
      expect(ours).toEqual(expected);
    });

    it('takes its owner as an entity ref', () => {
      expect(schema.properties.spec.required.includes('owner')).toBe(
        ownerRequired,
      );
      expect(schema.properties.spec.properties.owner.pattern).toBe(
        schema.properties.metadata.properties.annotations.properties[
          generator.OWNER_ANNOTATION
        ].pattern,
      );
    });

    it('has a minimal and a full example', () => {
      const names = fixtures.map(f => f.file);
      expect(names).toEqual(
        expect.arrayContaining([
          `${kind.toLowerCase()}.minimal.yaml`,
          `${kind.toLowerCase()}.full.yaml`,
        ]),
      );
    });

    it.each(fixtures.map(f => [f.file, f.doc]))('accepts %s', (_file, doc) => {
      expect(problemsOf(validate, doc)).toEqual([]);
    });

    const minimal = fixtures.find(f => f.file.endsWith('.minimal.yaml'))!.doc;
    it.each<[string, (d: any) => void, string]>([
      [
        'status is present',
        d => {
          d.status = {};
        },
        ' additionalProperties',
      ],
      [
        'the name is a path',
        d => {
          d.metadata.name = '../x';
        },
        '/metadata/name pattern',
      ],
      [
        'the name has upper case',
        d => {
          d.metadata.name = 'MyThing';
        },
        '/metadata/name pattern',
      ],
      [
        'the namespace is missing',
        d => {
          delete d.metadata.namespace;
        },
        '/metadata required',
      ],
      [
        'spec has an unknown field',
        d => {
          d.spec.colour = 'blue';
        },
        '/spec additionalProperties',
      ],
      [
        'the owner is free text',
        d => {
          d.spec.owner = 'The Platform Team';
        },
        '/spec/owner pattern',
      ],
      [
        'the owner is of a kind that cannot own',
        d => {
          d.spec.owner = 'component:default/api';
        },
        '/spec/owner pattern',
      ],
    ])('rejects a file where %s', (_what, mutate, expected) => {
      const doc = clone(minimal);
      mutate(doc);
      expect(problemsOf(validate, doc)).toContain(expected);
    });
  },
);

describe('Artifact', () => {
  const validate = strictAjv().compile(readSchema('artifact.schema.json'));
  const minimal = readFixture('artifact.minimal.yaml');

  it.each<[string, (d: any) => void, string]>([
    [
      'the type is unknown',
      d => {
        d.spec.type = 'docker-image';
      },
      '/spec/type enum',
    ],
    [
      'the type is missing',
      d => {
        delete d.spec.type;
      },
      '/spec required',
    ],
    [
      'the owner is missing',
      d => {
        delete d.spec.owner;
      },
      '/spec required',
    ],
    [
      'the name has a dot (not allowed in registry protocols)',
      d => {
        d.metadata.name = 'vpc.v2';
      },
      '/metadata/name pattern',
    ],
    [
      'a dependency has no version range',
      d => {
        d.spec.dependencies = [{ artifact: 'redis' }];
      },
      '/spec/dependencies/0 required',
    ],
    [
      'a dependency range is free text',
      d => {
        d.spec.dependencies = [
          { artifact: 'redis', versionRange: 'latest please' },
        ];
      },
      '/spec/dependencies/0/versionRange pattern',
    ],
    [
      'a dependency names a path',
      d => {
        d.spec.dependencies = [
          { artifact: '../redis', versionRange: '^1.0.0' },
        ];
      },
      '/spec/dependencies/0/artifact pattern',
    ],
    [
      'a dependency has an extra field',
      d => {
        d.spec.dependencies = [
          { artifact: 'redis', versionRange: '^1.0.0', optional: true },
        ];
      },
      '/spec/dependencies/0 additionalProperties',
    ],
    [
      'a tag has upper case',
      d => {
        d.spec.tags = ['AWS'];
      },
      '/spec/tags/0 pattern',
    ],
    [
      'a tag repeats',
      d => {
        d.spec.tags = ['aws', 'aws'];
      },
      '/spec/tags uniqueItems',
    ],
  ])('rejects an Artifact where %s', (_what, mutate, expected) => {
    const doc = clone(minimal);
    mutate(doc);
    expect(problemsOf(validate, doc)).toContain(expected);
  });
});

describe('ArtifactVersion', () => {
  const schema = readSchema('artifactversion.schema.json');
  const validate = strictAjv().compile(schema);
  const minimal = readFixture('artifactversion.minimal.yaml');

  it('uses the shared Git URL and ref rules', () => {
    const git = schema.properties.spec.properties.source.properties.git;
    expect(git.properties.url.pattern).toBe(generator.PORTAL_PATTERNS.gitUrl);
    expect(git.properties.ref.pattern).toBe(generator.PORTAL_PATTERNS.gitRef);
    expect(
      readSchema('artifact.schema.json').properties.spec.properties
        .sourceRepository.pattern,
    ).toBe(generator.PORTAL_PATTERNS.gitUrl);
  });

  it('names every example <spec.artifact>-<spec.version>', () => {
    for (const { file, doc } of readFixtures('artifactversion')) {
      expect(`${file}: ${doc.metadata.name}`).toBe(
        `${file}: ${doc.spec.artifact}-${doc.spec.version}`,
      );
    }
  });

  it('accepts exactly the versions that can be part of a name', () => {
    const versionOk = strictAjv().compile(
      schema.properties.spec.properties.version,
    );
    const nameOk = strictAjv().compile(
      schema.properties.metadata.properties.name,
    );
    const accepted = [
      '0.0.0',
      '1.4.0',
      '10.20.30',
      '2.0.0-rc.1',
      '1.0.0-alpha-beta.0.x7',
      '1.0.0-0a',
    ];
    const rejected = [
      '1.4', // not SemVer
      'v1.4.0', // a tag, not a version
      '01.4.0', // leading zero
      '1.0.0-01', // leading zero in a numeric pre-release identifier
      '1.0.0+build.5', // build metadata: "+" cannot be in a name
      '1.0.0-RC.1', // upper case cannot be in a name
      '1.0.0-rc-', // would end a DNS label with "-"
      '1.0.0-a.-b', // would start a DNS label with "-"
    ];
    expect(accepted.filter(v => !versionOk(v))).toEqual([]);
    expect(rejected.filter(v => versionOk(v))).toEqual([]);
    // Whatever version passes yields a valid name with any valid artifact name.
    for (const v of accepted) {
      expect(nameOk(`terraform-aws-vpc-${v}`)).toBe(true);
    }
  });

  it.each<[string, (d: any) => void, string]>([
    [
      'the version is not SemVer',
      d => {
        d.spec.version = 'latest';
      },
      '/spec/version pattern',
    ],
    [
      'there is no source',
      d => {
        delete d.spec.source;
      },
      '/spec required',
    ],
    [
      'the source is empty',
      d => {
        d.spec.source = {};
      },
      '/spec/source minProperties',
    ],
    [
      'the source is both git and chart',
      d => {
        d.spec.source.chart = {
          url: 'oci://ghcr.io/a/b',
          digest: `sha256:${'a'.repeat(64)}`,
        };
      },
      '/spec/source maxProperties',
    ],
    [
      'the source kind is unknown',
      d => {
        d.spec.source = { s3: { bucket: 'x' } };
      },
      '/spec/source additionalProperties',
    ],
    [
      'the git source has no ref',
      d => {
        delete d.spec.source.git.ref;
      },
      '/spec/source/git required',
    ],
    [
      'the git ref would inject an option',
      d => {
        d.spec.source.git.ref = '--upload-pack=touch /tmp/x';
      },
      '/spec/source/git/ref pattern',
    ],
    [
      'the subdirectory climbs out of the repository',
      d => {
        d.spec.source.git.subdirectory = '../secrets';
      },
      '/spec/source/git/subdirectory pattern',
    ],
    [
      'the subdirectory is absolute',
      d => {
        d.spec.source.git.subdirectory = '/etc';
      },
      '/spec/source/git/subdirectory pattern',
    ],
    [
      'a chart digest is not sha256',
      d => {
        d.spec.source = {
          chart: {
            url: 'https://charts.example.com/a-1.0.0.tgz',
            digest: 'md5:abc',
          },
        };
      },
      '/spec/source/chart/digest pattern',
    ],
    [
      'a chart has no digest',
      d => {
        d.spec.source = {
          chart: { url: 'https://charts.example.com/a-1.0.0.tgz' },
        };
      },
      '/spec/source/chart required',
    ],
    [
      'a bundle URL is a local file',
      d => {
        d.spec.source = { bundle: { url: 'file:///etc/passwd' } };
      },
      '/spec/source/bundle/url pattern',
    ],
    [
      'the artifact name is a path',
      d => {
        d.spec.artifact = 'team/vpc';
      },
      '/spec/artifact pattern',
    ],
    [
      'the pinned commit is not a full SHA',
      d => {
        d.spec.source.git.commit = 'abc123';
      },
      '/spec/source/git/commit pattern',
    ],
    [
      'the pinned digest is not sha256',
      d => {
        d.spec.source.git.digest = 'md5:abc';
      },
      '/spec/source/git/digest pattern',
    ],
    [
      'the source repository is not a repository id',
      d => {
        d.spec.source.git.repository = '../platform';
      },
      '/spec/source/git/repository pattern',
    ],
    [
      'a yanked version gives no reason',
      d => {
        d.spec.yanked = '';
      },
      '/spec/yanked minLength',
    ],
  ])('rejects an ArtifactVersion where %s', (_what, mutate, expected) => {
    const doc = clone(minimal);
    mutate(doc);
    expect(problemsOf(validate, doc)).toContain(expected);
  });
});

describe('Pipeline', () => {
  const schema = readSchema('pipeline.schema.json');
  const validate = strictAjv().compile(schema);
  const minimal = readFixture('pipeline.minimal.yaml');

  it('offers exactly the Vector component types of vendor/vector/components.json, per category', () => {
    const components = JSON.parse(
      fs.readFileSync(
        path.join(VENDOR_DIR, 'vector', 'components.json'),
        'utf8',
      ),
    );
    for (const category of ['sources', 'transforms', 'sinks']) {
      const fromVector = Object.keys(components)
        .filter(k => k.startsWith(`${category}.`))
        .map(k => k.slice(category.length + 1))
        .sort();
      const ours =
        schema.properties.spec.properties[category].additionalProperties
          .properties.type.enum;
      expect({ category, types: ours }).toEqual({
        category,
        types: fromVector,
      });
    }
  });

  it.each<[string, (d: any) => void, string]>([
    [
      'there is no source',
      d => {
        d.spec.sources = {};
      },
      '/spec/sources minProperties',
    ],
    [
      'there is no sink',
      d => {
        delete d.spec.sinks;
      },
      '/spec required',
    ],
    [
      'a source type is not a Vector source',
      d => {
        d.spec.sources.demo.type = 'remap';
      },
      '/spec/sources/demo/type enum',
    ],
    [
      'a sink has no inputs',
      d => {
        delete d.spec.sinks.out.inputs;
      },
      '/spec/sinks/out required',
    ],
    [
      'a sink has empty inputs',
      d => {
        d.spec.sinks.out.inputs = [];
      },
      '/spec/sinks/out/inputs minItems',
    ],
    [
      'a transform has no inputs',
      d => {
        d.spec.transforms = {
          parse: { type: 'remap', options: { source: '.' } },
        };
      },
      '/spec/transforms/parse required',
    ],
    [
      'a source has inputs',
      d => {
        d.spec.sources.demo.inputs = ['x'];
      },
      '/spec/sources/demo additionalProperties',
    ],
    [
      'a component id has a dot (Vector forbids it)',
      d => {
        d.spec.sources = { 'k8s.logs': { type: 'kubernetes_logs' } };
      },
      '/spec/sources propertyNames',
    ],
    [
      'an input is not an id',
      d => {
        d.spec.sinks.out.inputs = ['demo logs'];
      },
      '/spec/sinks/out/inputs/0 pattern',
    ],
    [
      'options repeat type or inputs',
      d => {
        d.spec.sinks.out.options.inputs = ['demo'];
      },
      '/spec/sinks/out/options propertyNames',
    ],
    [
      'options are not a map',
      d => {
        d.spec.sources.demo.options = 'format=json';
      },
      '/spec/sources/demo/options type',
    ],
    [
      'a layout position is not numeric',
      d => {
        d.spec.layout = { demo: { x: '10', y: 0 } };
      },
      '/spec/layout/demo/x type',
    ],
    [
      'a layout position has an extra field',
      d => {
        d.spec.layout = { demo: { x: 1, y: 2, z: 3 } };
      },
      '/spec/layout/demo additionalProperties',
    ],
  ])('rejects a Pipeline where %s', (_what, mutate, expected) => {
    const doc = clone(minimal);
    mutate(doc);
    expect(problemsOf(validate, doc)).toContain(expected);
  });

  it('accepts named outputs and wildcards as inputs', () => {
    const doc = clone(minimal);
    doc.spec.transforms = {
      split: {
        type: 'route',
        inputs: ['demo'],
        options: { route: { a: 'true' } },
      },
    };
    doc.spec.sinks.out.inputs = ['split.a', 'split._unmatched', 'dem*'];
    expect(problemsOf(validate, doc)).toEqual([]);
  });
});
