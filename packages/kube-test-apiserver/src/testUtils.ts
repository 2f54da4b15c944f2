/*
 * Helpers for this package's tests: a started server with the fixture CRDs, raw HTTP requests
 * where a test needs the status code or headers that @kubernetes/client-node hides, and the
 * Status body of a client-node ApiException.
 */
import http from 'http';
import path from 'path';
import { ApiException } from '@kubernetes/client-node';
import {
  KubeTestApiServerHandle,
  startKubeTestApiServer,
} from './startKubeTestApiServer';

const PACKAGE_DIR = path.dirname(
  require.resolve('@butler-portal/kube-test-apiserver/package.json'),
);
export const WIDGETS_CRD = path.join(
  PACKAGE_DIR,
  'src',
  '__fixtures__',
  'widgets.example.com.yaml',
);
export const WIDGETS = '/apis/example.com/v1/namespaces/default/widgets';
/** where the widgets of the fixture CRD live, as client-node's CustomObjectsApi names it */
export const WIDGETS_IN_DEFAULT = {
  group: 'example.com',
  version: 'v1',
  namespace: 'default',
  plural: 'widgets',
} as const;

export async function startWithWidgets(): Promise<KubeTestApiServerHandle> {
  return startKubeTestApiServer({ crds: [WIDGETS_CRD] });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  text: string;
}

/** One HTTP request to the server, body sent as given (string) or as JSON. */
export function raw(
  server: KubeTestApiServerHandle,
  method: string,
  urlPath: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<RawResponse> {
  const url = new URL(urlPath, server.url);
  let payload: string | undefined;
  if (typeof body === 'string') payload = body;
  else if (body !== undefined) payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...(payload !== undefined ? { 'Content-Type': contentType } : {}),
          'User-Agent': 'raw-test/1.0',
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: parsed,
            text,
          });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The error a client-node call rejects with, with its Status body parsed. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code: number; status: any }> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ApiException) {
      return {
        code: e.code,
        status: typeof e.body === 'string' ? JSON.parse(e.body) : e.body,
      };
    }
    throw e;
  }
  throw new Error('expected the request to fail');
}
