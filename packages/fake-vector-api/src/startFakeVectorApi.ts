/*
 * A fake of the API a running Vector serves (`api.enabled: true`), answering with the shapes
 * Vector documents:
 *  - `GET /health`: 200 `{"ok":true}` while running, 503 `{"ok":false}` otherwise;
 *  - `POST /graphql` with `{ query, variables }`: the `components` connection (Relay paging:
 *    `first`, `after`; `edges { cursor node { __typename componentId componentType } }`,
 *    `pageInfo { hasNextPage endCursor }`, `totalCount`) and `health`; like any GraphQL
 *    server it answers 200 with `errors` for a query it cannot run.
 * Components come from a list, or from a Vector config directory the way `vector
 * --config-dir` loads one: every .yaml file is part of one configuration, and a configuration
 * Vector would refuse (a duplicate component id across files, a file that does not parse)
 * leaves the running components as they were.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';

export interface FakeVectorComponent {
  componentId: string;
  /** `Source`, `Transform` or `Sink`, as Vector's __typename */
  kind: 'Source' | 'Transform' | 'Sink';
  /** e.g. `kubernetes_logs` */
  componentType: string;
}

export interface FakeVectorApiOptions {
  components?: FakeVectorComponent[];
  healthy?: boolean;
  /** most edges one page returns, whatever `first` asks (default 100) */
  maxPageSize?: number;
}

export interface FakeVectorApi {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  setComponents(components: FakeVectorComponent[]): void;
  components(): FakeVectorComponent[];
  setHealthy(healthy: boolean): void;
  /**
   * Loads a config directory as Vector does on a reload; returns false (and keeps the running
   * components) when Vector would refuse it, with the reason in `lastReloadError()`.
   */
  loadConfigDir(dir: string): boolean;
  lastReloadError(): string | undefined;
  /** every request so far: method and path */
  requests(): Array<{ method: string; path: string }>;
  stop(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startFakeVectorApi(
  options: FakeVectorApiOptions = {},
): Promise<FakeVectorApi> {
  let components = [...(options.components ?? [])];
  let healthy = options.healthy ?? true;
  let reloadError: string | undefined;
  const maxPage = options.maxPageSize ?? 100;
  const requests: Array<{ method: string; path: string }> = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? '', path: url.pathname });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/health' && req.method === 'GET') {
      send(healthy ? 200 : 503, { ok: healthy });
      return;
    }
    if (url.pathname !== '/graphql') {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let request: { query?: unknown; variables?: Record<string, unknown> };
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        send(400, { errors: [{ message: 'invalid JSON body' }] });
        return;
      }
      send(200, answer(request, components, maxPage));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setComponents: list => {
      components = [...list];
    },
    components: () => [...components],
    setHealthy: value => {
      healthy = value;
    },
    loadConfigDir: dir => {
      try {
        components = componentsOfConfigDir(dir);
        reloadError = undefined;
        return true;
      } catch (error) {
        reloadError = (error as Error).message;
        return false;
      }
    },
    lastReloadError: () => reloadError,
    requests: () => [...requests],
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      }),
  };
}

/** The components of a config directory's .yaml files; throws what Vector would refuse. */
export function componentsOfConfigDir(dir: string): FakeVectorComponent[] {
  const found = new Map<
    string,
    { component: FakeVectorComponent; file: string }
  >();
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter(e => e.isFile() && /\.ya?ml$/.test(e.name))
    .map(e => e.name)
    .sort();
  for (const file of files) {
    let config: unknown;
    try {
      config = parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
    const sections = [
      ['sources', 'Source'],
      ['transforms', 'Transform'],
      ['sinks', 'Sink'],
    ] as const;
    for (const [section, kind] of sections) {
      const entries = (config as Record<string, unknown> | null)?.[section];
      if (typeof entries !== 'object' || entries === null) continue;
      for (const [id, value] of Object.entries(entries)) {
        const previous = found.get(id);
        if (previous) {
          throw new Error(
            `duplicate component id "${id}" (${previous.file} and ${file})`,
          );
        }
        const type = (value as { type?: unknown } | null)?.type;
        found.set(id, {
          file,
          component: {
            componentId: id,
            kind,
            componentType: typeof type === 'string' ? type : '',
          },
        });
      }
    }
  }
  return [...found.values()].map(f => f.component);
}

function answer(
  request: { query?: unknown; variables?: Record<string, unknown> },
  components: FakeVectorComponent[],
  maxPage: number,
): unknown {
  const query = typeof request.query === 'string' ? request.query : '';
  const variables = request.variables ?? {};
  const selection = query.replace(/^\s*(query\b[^{]*)?\{/, '').trim();
  if (/^health\b/.test(selection)) {
    return { data: { health: true } };
  }
  if (!/^components\b/.test(selection)) {
    return {
      errors: [
        {
          message: `the fake Vector API answers only "components" and "health": ${query.slice(
            0,
            80,
          )}`,
        },
      ],
    };
  }
  const first = argument(query, variables, 'first');
  const after = argument(query, variables, 'after');
  let start = 0;
  if (typeof after === 'string') {
    const offset = Number(Buffer.from(after, 'base64').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) {
      return { errors: [{ message: `invalid cursor "${after}"` }] };
    }
    start = offset + 1;
  }
  const count = Math.min(typeof first === 'number' ? first : maxPage, maxPage);
  const sorted = [...components].sort((a, b) =>
    a.componentId < b.componentId ? -1 : 1,
  );
  const page = sorted.slice(start, start + count);
  const cursor = (i: number) => Buffer.from(String(i)).toString('base64');
  return {
    data: {
      components: {
        edges: page.map((c, i) => ({
          cursor: cursor(start + i),
          node: {
            __typename: c.kind,
            componentId: c.componentId,
            componentType: c.componentType,
          },
        })),
        pageInfo: {
          hasNextPage: start + page.length < sorted.length,
          hasPreviousPage: start > 0,
          startCursor: page.length > 0 ? cursor(start) : null,
          endCursor: page.length > 0 ? cursor(start + page.length - 1) : null,
        },
        totalCount: sorted.length,
      },
    },
  };
}

/** an argument of the components field: a `$variable` or a literal */
function argument(
  query: string,
  variables: Record<string, unknown>,
  name: string,
): unknown {
  const match = new RegExp(
    `\\b${name}\\s*:\\s*(\\$\\w+|"[^"]*"|\\d+|null)`,
  ).exec(query);
  if (!match) return undefined;
  const value = match[1];
  if (value.startsWith('$')) return variables[value.slice(1)] ?? undefined;
  if (value === 'null') return undefined;
  if (value.startsWith('"')) return value.slice(1, -1);
  return Number(value);
}
