import { parseResourceYaml } from './parseResourceYaml';
import { stringifyResource } from './stringifyResource';

describe('stringifyResource', () => {
  it('orders apiVersion, kind, metadata, spec and the metadata keys', () => {
    const text = stringifyResource({
      spec: { image: 'x', resources: { cpu: '2' } },
      extra: 1,
      metadata: { labels: { a: 'b' }, namespace: 'team-a', name: 'dev' },
      kind: 'Workspace',
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    });
    expect(text).toBe(
      [
        'apiVersion: butler.butlerlabs.dev/v1alpha1',
        'kind: Workspace',
        'metadata:',
        '  name: dev',
        '  namespace: team-a',
        '  labels:',
        '    a: b',
        'spec:',
        '  image: x',
        '  resources:',
        '    cpu: "2"',
        'extra: 1',
        '',
      ].join('\n'),
    );
  });

  it('keeps long lines whole, writes multi-line strings as blocks and quotes 1.1 booleans', () => {
    const long = 'x'.repeat(200);
    const text = stringifyResource({
      spec: {
        long,
        script: 'echo a\necho b\n',
        enabled: 'yes',
        list: ['no', 1],
      },
    });
    expect(text).toBe(
      `spec:\n  long: ${long}\n  script: |\n    echo a\n    echo b\n  enabled: "yes"\n  list:\n    - "no"\n    - 1\n`,
    );
  });

  it('round-trips through the parser, including odd keys and undefined fields', () => {
    const resource = {
      apiVersion: 'v1',
      kind: 'Pipeline',
      metadata: {
        name: 'a',
        namespace: 'b',
        annotations: { 'x/y': 'a: b # c' },
      },
      spec: {
        ['__proto__']: 'k',
        n: null,
        u: undefined,
        empty: {},
        quote: "it's",
      },
    };
    const parsed = parseResourceYaml(stringifyResource(resource));
    expect(parsed.ok && parsed.yaml.value).toEqual(
      JSON.parse(JSON.stringify(resource)),
    );
  });
});
