/*
 * Bad input against the running plugin: hostile names, wrong kinds, broken or hostile YAML,
 * bodies that are not a change at all, oversized payloads and hostile URL parameters. Each gets
 * a 4xx in Backstage's error shape that names the file, the field and the reason — every 400
 * with `issues` — and nothing is written: the repository's refs are the same before and after.
 */
import path from 'path';
import request from 'supertest';
import {
  auth,
  CREATE,
  refsOf,
  startPortal,
  WORKSPACE,
} from '../__testUtils__/startTestPortal';

jest.setTimeout(60_000);

const FILE = 'workspaces/platform/guest-dev.yaml';
const { resource: _resource, ...CREATE_WITHOUT_RESOURCE } = CREATE;

async function portal() {
  const started = await startPortal();
  const gitDir = path.join(started.dir.path, 'platform.git');
  const refs = () => refsOf(gitDir);
  const api = request(started.server);
  const post = (body: unknown, type?: string) => {
    const req = api.post('/api/gitops/changes').set(auth);
    return (type ? req.set('Content-Type', type) : req).send(body as object);
  };
  return { api, post, refs };
}

/** Backstage's error body, plus `issues` for a 400 */
function expectErrorShape(body: any, statusCode: number, name = 'InputError') {
  expect(body).toMatchObject({
    error: { name, message: expect.any(String) },
    request: { method: expect.any(String), url: expect.any(String) },
    response: { statusCode },
  });
  if (statusCode === 400) {
    expect(body.issues).toEqual(
      expect.arrayContaining([
        {
          ...(body.issues[0].file && { file: expect.any(String) }),
          path: expect.any(String),
          line: expect.any(Number),
          column: expect.any(Number),
          message: expect.any(String),
        },
      ]),
    );
  }
}

describe('bad input to POST /changes', () => {
  it('refuses hostile names and namespaces with a 400 naming the field; nothing is written', async () => {
    const { api, post, refs } = await portal();
    const before = await refs();
    const hostile = [
      '../x',
      'a/b',
      '..',
      '%2e%2e',
      'UPPER',
      '',
      'ünïcode',
      'a\u0000b',
      'a'.repeat(254),
    ];
    for (const field of ['name', 'namespace'] as const) {
      for (const value of hostile) {
        const res = await post({ ...CREATE, [field]: value });
        expect({ field, value, status: res.status }).toEqual({
          field,
          value,
          status: 400,
        });
        expectErrorShape(res.body, 400);
        expect(res.body.error.message).toMatch(
          new RegExp(`^(body\\.)?${field}: `),
        );
        expect(res.body.issues).toEqual([
          expect.objectContaining({
            path: `/${field}`,
            message: expect.stringMatching(/DNS-1123|characters/),
          }),
        ]);
      }
    }
    // longer than any DNS-1123 name: refused by the body schema, naming the field too
    const long = await post({ ...CREATE, name: 'a'.repeat(300) }).expect(400);
    expect(long.body.issues).toEqual([
      expect.objectContaining({
        path: '/name',
        message: 'at most 253 characters',
      }),
    ]);

    expect(await refs()).toBe(before);
    expect(
      (await api.get('/api/gitops/changes').set(auth).expect(200)).body.items,
    ).toEqual([]);
  });

  it('refuses unknown kinds, mismatched names and broken YAML with located issues', async () => {
    const { post, refs } = await portal();
    const before = await refs();

    const kind = await post({ ...CREATE, kind: 'Secret' }).expect(400);
    expectErrorShape(kind.body, 400);
    expect(kind.body.issues).toEqual([
      expect.objectContaining({
        path: '/kind',
        message: expect.stringContaining('"Secret" is not a known kind'),
      }),
    ]);

    // metadata.name says one thing, the `name` field (and so the path) another
    const renamed = await post({
      ...CREATE,
      resource: {
        ...WORKSPACE,
        metadata: { ...WORKSPACE.metadata, name: 'someone-else' },
      },
    }).expect(400);
    expectErrorShape(renamed.body, 400);
    expect(renamed.body.issues).toEqual([
      expect.objectContaining({
        file: FILE,
        path: '/metadata/name',
        line: 4,
      }),
    ]);
    expect(renamed.body.error.message).toContain(`${FILE} is not valid`);

    const yamlCases: Array<[string, string, RegExp]> = [
      ['not YAML', 'a: [b\n  : :', /YAML syntax error/],
      [
        'two documents',
        `${'apiVersion: v1\nkind: Workspace\n'}---\nkind: Workspace\n`,
        /a second YAML document starts here/,
      ],
      [
        'a billion laughs',
        [
          'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
          'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
          'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
          'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
        ].join('\n'),
        /YAML alias "\*a" is not allowed/,
      ],
      ['empty', '', /file is empty/],
      ['over 1 MiB', `# ${'x'.repeat(1024 * 1024)}`, /the limit is 1 MiB/],
    ];
    for (const [what, yaml, message] of yamlCases) {
      const res = await post({ ...CREATE_WITHOUT_RESOURCE, yaml });
      expect({ what, status: res.status }).toEqual({ what, status: 400 });
      expectErrorShape(res.body, 400);
      expect(res.body.error.message).toMatch(
        new RegExp(`^${FILE} is not valid`),
      );
      expect(res.body.issues[0]).toMatchObject({ file: FILE, message });
    }

    expect(await refs()).toBe(before);
  });

  it('refuses bodies that are not a change: arrays, numbers, null, broken JSON, deep nesting', async () => {
    const { post, refs } = await portal();
    const before = await refs();
    const json = 'application/json';

    for (const [body, message] of [
      ['[1,2]', /^body: .*expected object, received array/],
      ['42', /^body: .*expected object, received number/],
      ['null', /^body: .*expected object, received null/],
    ] as const) {
      const res = await post(body, json).expect(400);
      expectErrorShape(res.body, 400);
      expect(res.body.error.message).toMatch(message);
    }

    const broken = await post('{"operation":', json).expect(400);
    expectErrorShape(broken.body, 400);
    expect(broken.body.error.message).toMatch(
      /^request body is not valid JSON: /,
    );
    // the parser's own fields (the body echoed back, `expose`, `type`) do not leak out
    expect(Object.keys(broken.body.error).sort()).toEqual([
      'issues',
      'message',
      'name',
    ]);

    // where the parser stopped: the second string, 1-based
    const misplaced = await post('{"operation" "create"}', json).expect(400);
    expect(misplaced.body.issues[0]).toMatchObject({ line: 1, column: 14 });

    // a 3 MB body may nest deep enough to overflow the YAML codec's stack: a 400, not a 500
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const nested = JSON.stringify(CREATE).replace(
      '"image":',
      `"deep":${deep},"image":`,
    );
    for (const key of [undefined, 'deep-1']) {
      const req = post(nested, json);
      const res = await (key ? req.set('Idempotency-Key', key) : req);
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 400);
      expect(res.body.issues).toEqual([
        expect.objectContaining({
          path: '/resource',
          message: 'nesting is deeper than 64 levels',
        }),
      ]);
    }

    expect(await refs()).toBe(before);
  });

  it('answers 413 for a body over the limit, in the same error shape', async () => {
    const { post, refs } = await portal();
    const before = await refs();
    const res = await post(
      JSON.stringify({
        ...CREATE_WITHOUT_RESOURCE,
        yaml: 'x'.repeat(10 * 1024 * 1024),
      }),
      'application/json',
    ).expect(413);
    expectErrorShape(res.body, 413, 'PayloadTooLargeError');
    expect(res.body.error.message).toBe(
      'request body of 10 MiB is over the limit of 3 MiB',
    );
    expect(await refs()).toBe(before);
  });

  it('refuses control characters in the title and description (they go into the commit)', async () => {
    const { post, refs } = await portal();
    const before = await refs();
    const title = await post({ ...CREATE, title: 'a\u0000b' }).expect(400);
    expect(title.body.issues).toEqual([
      expect.objectContaining({ path: '/title' }),
    ]);
    await post({ ...CREATE, title: 'two\n\nlines' }).expect(400);
    const description = await post({
      ...CREATE,
      description: 'bell\u0007',
    }).expect(400);
    expect(description.body.issues).toEqual([
      expect.objectContaining({ path: '/description' }),
    ]);
    expect(await refs()).toBe(before);
    // newlines and tabs in a description are text
    await post({ ...CREATE, description: 'one\n\ttwo\r\n' }).expect(201);
  });
});

describe('hostile URL parameters', () => {
  it('answers 400 or 404 and reads nothing outside the repository', async () => {
    const { api, refs } = await portal();
    const before = await refs();
    const get = (url: string) => api.get(`/api/gitops${url}`).set(auth);

    const namespace = await get(
      '/resources/workspaces/..%2F..%2Fetc/passwd',
    ).expect(400);
    expectErrorShape(namespace.body, 400);
    expect(namespace.body.issues).toEqual([
      expect.objectContaining({ path: '/namespace' }),
    ]);
    const name = await get('/resources/workspaces/team-a/..%2F..%2Fetc').expect(
      400,
    );
    expect(name.body.issues).toEqual([
      expect.objectContaining({ path: '/name' }),
    ]);
    await get('/resources/..%2F/team-a/x').expect(400);
    await get(`/resources/workspaces/team-a/${'a'.repeat(5000)}`).expect(400);
    await get('/resources/workspaces/team-a/alice-dev%00').expect(400);
    await get('/resources/workspaces/team-a/no-such-thing').expect(404);

    for (const id of [
      '..%2F..%2Fetc',
      'a'.repeat(5000),
      'platform:99999999999',
      'platform:0',
    ]) {
      const res = await get(`/changes/${id}`).expect(400);
      expectErrorShape(res.body, 400);
      expect(res.body.error.message).toMatch(
        /^change id .* is not of the form/,
      );
    }
    expectErrorShape(
      (await get('/changes/nope:1').expect(404)).body,
      404,
      'NotFoundError',
    );
    expectErrorShape(
      (await get('/changes/platform:7').expect(404)).body,
      404,
      'NotFoundError',
    );

    // a broken %-escape is a 400 like any other bad input, not express's URIError
    const escape = await get('/changes/%E0%A4%A').expect(400);
    expectErrorShape(escape.body, 400);

    // a path the API does not have: a 404 in the same shape, not an empty body
    const unknown = await get('/changes/platform:1/nope').expect(404);
    expectErrorShape(unknown.body, 404, 'NotFoundError');
    expect(unknown.body.error.message).toContain('/changes/platform:1/nope');

    expect(await refs()).toBe(before);
  });
});
