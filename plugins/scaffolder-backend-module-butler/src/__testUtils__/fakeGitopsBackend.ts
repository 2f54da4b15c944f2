/*
 * A local HTTP server standing in for the gitops backend: it records every request (method,
 * path, headers, parsed body) and answers from a route table the test sets, so tests assert
 * what the actions really send over the wire.
 */
import type { DiscoveryService } from '@backstage/backend-plugin-api';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  query: Record<string, string>;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

type Handler = (request: RecordedRequest) => FakeAnswer;

export interface FakeGitopsBackend {
  requests: RecordedRequest[];
  discovery: DiscoveryService;
  /**
   * answer `METHOD /path` (path below /api/gitops, query excluded) with the handler; the registry
   * backend's routes (e.g. its source ref resolution) are `/api/registry/...`
   */
  on(method: string, path: string, handler: Handler | FakeAnswer): void;
  close(): Promise<void>;
}

export async function startFakeGitopsBackend(): Promise<FakeGitopsBackend> {
  const routes = new Map<string, Handler>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [rawPath, rawQuery] = (req.url ?? '').split('?');
      const path = rawPath.replace(/^\/api\/gitops/, '');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
        query: Object.fromEntries(new URLSearchParams(rawQuery ?? '')),
      };
      requests.push(recorded);
      const handler = routes.get(`${recorded.method} ${path}`);
      const answer: FakeAnswer = handler
        ? handler(recorded)
        : {
            status: 404,
            body: {
              error: { name: 'NotFoundError', message: `no route ${path}` },
            },
          };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api/gitops`;
  return {
    requests,
    discovery: {
      getBaseUrl: async pluginId => {
        if (pluginId === 'registry') {
          return `http://127.0.0.1:${port}/api/registry`;
        }
        if (pluginId !== 'gitops') throw new Error(`unexpected ${pluginId}`);
        return baseUrl;
      },
      getExternalBaseUrl: async () => baseUrl,
    },
    on(method, path, handler) {
      routes.set(
        `${method} ${path}`,
        typeof handler === 'function' ? handler : () => handler,
      );
    },
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close(error => (error ? reject(error) : resolve())),
      ),
  };
}

/** Backstage's error body, with located issues beside `error` as the gitops backend sends. */
export function errorAnswer(
  status: number,
  name: string,
  message: string,
  issues?: unknown[],
): FakeAnswer {
  return {
    status,
    body: {
      error: { name, message },
      request: { method: 'POST', url: '/api/gitops/changes' },
      response: { statusCode: status },
      ...(issues && { issues }),
    },
  };
}
