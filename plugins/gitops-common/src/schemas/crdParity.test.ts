/*
 * The schemas of the Butler kinds against the real CRDs (vendor/butler-crds): a file the
 * portal accepts must be one the management cluster accepts, with the same meaning.
 */
import fs from 'fs';
import path from 'path';
import { findKind, KINDS } from '../kinds';
import {
  compareWithCrd,
  crdLeafPaths,
  documentPaths,
} from './crdSchemaComparison';
import {
  clone,
  crdsDir,
  crdToJsonSchema,
  loadGenerator,
  oracleAjv,
  problemsOf,
  readFixtures,
  readSchema,
  SCHEMAS_DIR,
  strictAjv,
} from './schemaTestUtils';

const generator = loadGenerator();
const CRDS_DIR = crdsDir();

const workspaceFieldRules = (at: string) => [
  `${at}/dotfiles/url: pattern`,
  `${at}/repositories/*/branch: pattern`,
  `${at}/repositories/*/name: pattern`,
  `${at}/repositories/*/url: pattern`,
  `${at}/repository/branch: pattern`,
  `${at}/repository/name: pattern`,
  `${at}/repository/url: pattern`,
  `${at}/resources/cpu: pattern`,
  `${at}/resources/memory: pattern`,
];

/** The portal rules each Butler kind adds on top of its CRD, and nothing else. */
const EXPECTED_RESTRICTIONS: Record<string, string[]> = {
  Workspace: [
    '/spec/autoStopAfter: pattern',
    '/spec/editorConfig/neovimConfigArchive: pattern',
    '/spec/editorConfig/neovimConfigRepo: pattern',
    '/spec/idleTimeout: pattern',
    '/spec/owner: format email',
    ...workspaceFieldRules('/spec'),
  ].sort(),
  WorkspaceTemplate: workspaceFieldRules('/spec/template').sort(),
  TenantAddon: ['/spec: else', '/spec: if', '/spec: then'],
  // the CRD's own rules (kubernetesVersion pattern, replica bounds, enums) are enough
  TenantCluster: [],
};

describe.each(generator.BUTLER_KINDS)('$kind schema vs its CRD', kindDef => {
  const { crd } = generator.readCrd(CRDS_DIR, kindDef);
  const crdRoot = generator.crdVersionSchema(crd, kindDef);
  const ours = readSchema(kindDef.schemaFile);
  const kindLower = kindDef.kind.toLowerCase();
  const fixtures = readFixtures(kindLower);

  it('is the committed output of scripts/generate-crd-schemas.js for these CRDs', () => {
    const generated = generator
      .generateSchemas(CRDS_DIR)
      .get(kindDef.schemaFile);
    const committed = fs.readFileSync(
      path.join(SCHEMAS_DIR, kindDef.schemaFile),
      'utf8',
    );
    // On failure: run `node scripts/generate-crd-schemas.js` and commit the result.
    expect(committed).toBe(generated);
    expect(ours.$comment).toContain(
      `commit ${generator.BUTLER_API_COMMIT}, by scripts/generate-crd-schemas.js`,
    );
  });

  it('agrees with the KINDS table', () => {
    const info = findKind(kindDef.kind);
    expect(info).toMatchObject({
      kind: kindDef.kind,
      apiVersion: kindDef.apiVersion,
      plural: kindDef.plural,
      schemaFile: kindDef.schemaFile,
      crdName: kindDef.crdName,
      applied: true,
    });
    expect(crd.metadata.name).toBe(kindDef.crdName);
  });

  it('matches the CRD field by field, stricter only where the portal says so', () => {
    const { problems, restrictions } = compareWithCrd(
      ours,
      crd,
      kindDef.apiVersion,
    );
    expect(problems).toEqual([]);
    expect(restrictions.sort()).toEqual(EXPECTED_RESTRICTIONS[kindDef.kind]);
  });

  it('has minimal and full fixtures that together use every field of the CRD spec', () => {
    const names = fixtures.map(f => f.file);
    expect(names).toContain(`${kindLower}.minimal.yaml`);
    expect(names.some(n => n.startsWith(`${kindLower}.full`))).toBe(true);
    const used = new Set(fixtures.flatMap(f => documentPaths(f.doc)));
    const unused = crdLeafPaths(crdRoot.properties.spec).filter(
      p => !used.has(p),
    );
    expect(unused).toEqual([]);
  });

  describe('examples', () => {
    const validateOurs = strictAjv().compile(ours);
    const validateCrd = oracleAjv().compile(crdToJsonSchema(crdRoot));

    it.each(fixtures.map(f => [f.file, f.doc]))(
      '%s is valid under our schema and under the CRD',
      (_file, doc) => {
        expect(problemsOf(validateOurs, doc)).toEqual([]);
        expect(problemsOf(validateCrd, doc)).toEqual([]);
      },
    );

    const minimal = fixtures.find(
      f => f.file === `${kindLower}.minimal.yaml`,
    )!.doc;
    const negatives: Array<[string, (doc: any) => void, string]> = [
      [
        'status is present',
        d => {
          d.status = { phase: 'Running' };
        },
        ' additionalProperties',
      ],
      [
        'spec has an undeclared field',
        d => {
          d.spec.replicas = 2;
        },
        '/spec additionalProperties',
      ],
      [
        'the name is a path',
        d => {
          d.metadata.name = '../x';
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
        'metadata carries a server-owned field',
        d => {
          d.metadata.resourceVersion = '4711';
        },
        '/metadata additionalProperties',
      ],
      [
        'a label value is not a label value',
        d => {
          d.metadata.labels = { team: 'platform team' };
        },
        '/metadata/labels/team pattern',
      ],
      [
        'the owner annotation is not an entity ref',
        d => {
          d.metadata.annotations = {
            'portal.butlerlabs.dev/owner': 'Platform Team!',
          };
        },
        '/metadata/annotations/portal.butlerlabs.dev~1owner pattern',
      ],
      [
        'apiVersion is another version',
        d => {
          d.apiVersion = 'butler.butlerlabs.dev/v1beta1';
        },
        '/apiVersion const',
      ],
    ];

    it.each(negatives)('rejects a file where %s', (_what, mutate, expected) => {
      const doc = clone(minimal);
      mutate(doc);
      expect(problemsOf(validateOurs, doc)).toContain(expected);
    });

    it('leaves the parts the CRD cannot check (metadata) to our schema, and rejects undeclared spec fields in both', () => {
      const doc = clone(minimal);
      doc.metadata.name = '../x';
      expect(problemsOf(validateCrd, doc)).toEqual([]);
      doc.spec.replicas = 2;
      expect(problemsOf(validateCrd, doc)).toContain(
        '/spec additionalProperties',
      );
    });
  });
});

describe('Workspace portal rules', () => {
  const validate = strictAjv().compile(readSchema('workspace.schema.json'));
  const minimal = readFixtures('workspace').find(
    f => f.file === 'workspace.minimal.yaml',
  )!.doc;

  it.each<[string, (d: any) => void, string]>([
    [
      'the name has a dot (the controller derives a Service name from it)',
      d => {
        d.metadata.name = 'jane.dev';
      },
      '/metadata/name pattern',
    ],
    [
      'the name is longer than 56 (ws-<name>-ssh exceeds 63)',
      d => {
        d.metadata.name = 'w'.repeat(57);
      },
      '/metadata/name maxLength',
    ],
    [
      'the owner is not an email',
      d => {
        d.spec.owner = 'group:default/platform-team';
      },
      '/spec/owner format',
    ],
    [
      'a branch would inject a shell command',
      d => {
        d.spec.repositories = [
          { url: 'https://github.com/a/b.git', branch: 'main; curl x | sh' },
        ];
      },
      '/spec/repositories/0/branch pattern',
    ],
    [
      'a repository URL carries shell metacharacters',
      d => {
        d.spec.repository = { url: 'https://github.com/a/b.git $(id)' };
      },
      '/spec/repository/url pattern',
    ],
    [
      'a repository directory escapes /workspace',
      d => {
        d.spec.repositories = [
          { url: 'https://github.com/a/b.git', name: '..' },
        ];
      },
      '/spec/repositories/0/name pattern',
    ],
    [
      'cpu is not a quantity (resource.MustParse would panic)',
      d => {
        d.spec.resources = { cpu: 'two' };
      },
      '/spec/resources/cpu pattern',
    ],
    [
      'idleTimeout is not a Go duration',
      d => {
        d.spec.idleTimeout = '4 hours';
      },
      '/spec/idleTimeout pattern',
    ],
    [
      'the storage size is not a quantity',
      d => {
        d.spec.storageSize = 'big';
      },
      '/spec/storageSize pattern',
    ],
    [
      'envFrom kind is not in the enum',
      d => {
        d.spec.envFrom = { name: 'api', kind: 'DaemonSet' };
      },
      '/spec/envFrom/kind enum',
    ],
  ])('rejects a Workspace where %s', (_what, mutate, expected) => {
    const doc = clone(minimal);
    mutate(doc);
    expect(problemsOf(validate, doc)).toContain(expected);
  });

  it('accepts the longest allowed name, an integer storage size and a zero auto-stop', () => {
    const doc = clone(minimal);
    doc.metadata.name = 'w'.repeat(56);
    doc.spec.storageSize = 10737418240;
    doc.spec.autoStopAfter = '0';
    expect(problemsOf(validate, doc)).toEqual([]);
  });
});

describe('TenantAddon portal rules', () => {
  const validate = strictAjv().compile(readSchema('tenantaddon.schema.json'));
  const minimal = readFixtures('tenantaddon').find(
    f => f.file === 'tenantaddon.minimal.yaml',
  )!.doc;

  it('rejects addon and helm together (mutually exclusive)', () => {
    const doc = clone(minimal);
    doc.spec.helm = {
      chart: 'podinfo',
      repository: 'https://example.com/charts',
    };
    expect(problemsOf(validate, doc)).toContain('/spec/addon false schema');
  });

  it('rejects an addon with neither addon nor helm', () => {
    const doc = clone(minimal);
    delete doc.spec.addon;
    expect(problemsOf(validate, doc)).toContain('/spec required');
  });

  it('rejects a name longer than a Helm release name may be', () => {
    const doc = clone(minimal);
    doc.metadata.name = 'a'.repeat(54);
    expect(problemsOf(validate, doc)).toContain('/metadata/name maxLength');
  });

  it('keeps values free-form, as the CRD preserves unknown fields there', () => {
    const doc = clone(minimal);
    doc.spec.values = { anything: { nested: [1, 'two', { three: true }] } };
    expect(problemsOf(validate, doc)).toEqual([]);
  });
});

describe('the parity check itself', () => {
  const kindDef = generator.BUTLER_KINDS.find(k => k.kind === 'Workspace')!;
  const { crd } = generator.readCrd(CRDS_DIR, kindDef);
  const ours = readSchema(kindDef.schemaFile);

  it.each<[string, (s: any) => void, string]>([
    [
      'a field the CRD lacks',
      s => {
        s.properties.spec.properties.gpu = { type: 'string' };
      },
      '/spec: declares "gpu", which the CRD does not have',
    ],
    [
      'a dropped CRD field',
      s => {
        delete s.properties.spec.properties.image;
      },
      '/spec: drops the CRD\'s field "image"',
    ],
    [
      'a dropped required field',
      s => {
        s.properties.spec.required = ['owner'];
      },
      '/spec: does not require "clusterRef"',
    ],
    [
      'a wider enum',
      s => {
        s.properties.spec.properties.envFrom.properties.kind.enum.push(
          'DaemonSet',
        );
      },
      '/spec/envFrom/kind: enum allows ["DaemonSet"], unknown to the CRD',
    ],
    [
      'another pattern',
      s => {
        s.properties.spec.properties.storageSize.anyOf[1].pattern = '^.*$';
      },
      '/spec/storageSize: pattern "^.*$" differs from the CRD\'s',
    ],
    [
      'a wider type',
      s => {
        s.properties.spec.properties.image.type = ['string', 'integer'];
      },
      '/spec/image: accepts type integer, the CRD only string',
    ],
    [
      'open objects',
      s => {
        delete s.properties.spec.properties.clusterRef.additionalProperties;
      },
      '/spec/clusterRef: lets undeclared fields through',
    ],
    [
      'another default',
      s => {
        s.properties.spec.properties.idleTimeout.default = '8h';
      },
      '/spec/idleTimeout: default "8h" differs',
    ],
    [
      'status',
      s => {
        s.properties.status = { type: 'object' };
      },
      "/status: status is the controller's",
    ],
    [
      'server-owned metadata',
      s => {
        s.properties.metadata.properties.uid = { type: 'string' };
      },
      '/metadata: declares "uid"',
    ],
  ])('reports %s', (_what, mutate, expected) => {
    const broken = clone(ours);
    mutate(broken);
    const { problems } = compareWithCrd(broken, crd, kindDef.apiVersion);
    expect(problems).toContainEqual(expect.stringContaining(expected));
  });

  it('covers every applied kind of the KINDS table', () => {
    expect(generator.BUTLER_KINDS.map(k => k.kind).sort()).toEqual(
      KINDS.filter(k => k.applied)
        .map(k => k.kind)
        .sort(),
    );
  });
});
