/*
 * Fault injection, seen through @kubernetes/client-node and raw HTTP: errors for the next N
 * matching requests, conflicts, connection resets, and requests that never get an answer.
 */
import http from 'http';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  KubeTestApiServerHandle,
  startKubeTestApiServer,
} from './startKubeTestApiServer';
import { failure, raw } from './testUtils';

describe('fault injection', () => {
  let server: KubeTestApiServerHandle;
  let core: CoreV1Api;

  beforeEach(async () => {
    server = await startKubeTestApiServer();
    core = server.kubeconfig.makeApiClient(CoreV1Api);
  });
  afterEach(() => server.stop());

  it('answers the next N matching requests with 500, then serves them again', async () => {
    const fault = server.inject({
      match: { method: 'GET', path: '/api/v1/namespaces/default' },
      times: 2,
      respond: 'error',
    });
    // a request that does not match is served
    await core.listNamespace();
    const first = await failure(core.readNamespace({ name: 'default' }));
    expect(first.code).toBe(500);
    expect(first.status).toMatchObject({
      kind: 'Status',
      reason: 'InternalError',
      code: 500,
    });
    expect((await failure(core.readNamespace({ name: 'default' }))).code).toBe(
      500,
    );
    expect(fault).toMatchObject({ hits: 2, remaining: 0 });
    expect((await core.readNamespace({ name: 'default' })).metadata?.name).toBe(
      'default',
    );

    const log = server
      .requests()
      .filter(r => r.path === '/api/v1/namespaces/default');
    expect(log.map(r => r.fault ?? 'served')).toEqual([
      'status',
      'status',
      'served',
    ]);
  });

  it('answers 409 Conflict naming the resource, for a predicate on the request', async () => {
    server.inject({
      match: r =>
        r.method === 'PATCH' &&
        r.contentType === 'application/merge-patch+json',
      respond: 'conflict',
    });
    const patched = await raw(
      server,
      'PATCH',
      '/api/v1/namespaces/default',
      { metadata: { labels: { a: 'b' } } },
      'application/merge-patch+json',
    );
    expect(patched.status).toBe(409);
    expect(patched.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on namespaces "default": the object has been modified; please apply your changes to the latest version and try again',
    });
    const again = await raw(
      server,
      'PATCH',
      '/api/v1/namespaces/default',
      { metadata: { labels: { a: 'b' } } },
      'application/merge-patch+json',
    );
    expect(again.status).toBe(200);
  });

  it('answers any status asked for, and stops when cleared', async () => {
    const fault = server.inject({
      match: { path: /configmaps/ },
      times: 5,
      respond: {
        code: 503,
        reason: 'ServiceUnavailable',
        message: 'etcd is down',
      },
    });
    const down = await failure(
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    expect(down).toEqual({
      code: 503,
      status: expect.objectContaining({
        reason: 'ServiceUnavailable',
        message: 'etcd is down',
        code: 503,
      }),
    });
    fault.clear();
    expect(fault.remaining).toBe(0);
    expect(
      (await core.listNamespacedConfigMap({ namespace: 'default' })).items,
    ).toEqual([]);
  });

  it('leaves a request unanswered until the client gives up or the server stops', async () => {
    server.inject({
      match: { path: '/api/v1/namespaces/kube-system' },
      times: 2,
      respond: 'hang',
    });
    const hanging = (controller?: AbortController) =>
      new Promise<string>((resolve, reject) => {
        const req = http.request(
          new URL('/api/v1/namespaces/kube-system', server.url),
          {
            agent: false,
            signal: controller?.signal,
          },
        );
        req.on('response', res => resolve(String(res.statusCode)));
        req.on('error', e => reject(e));
        req.end();
      });
    const waitForHang = async (count: number) => {
      while (server.requests().filter(r => r.fault === 'hang').length < count) {
        await new Promise(resolve => setImmediate(resolve));
      }
    };

    const controller = new AbortController();
    const first = hanging(controller);
    await waitForHang(1);
    controller.abort();
    await expect(first).rejects.toThrow(/aborted/);

    const second = hanging();
    await waitForHang(2);
    await server.stop();
    await expect(second).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('resets the connection of a matching request (the client sees ECONNRESET), then serves it again', async () => {
    const fault = server.inject({
      match: { method: 'GET', path: '/api/v1/namespaces/kube-system' },
      respond: 'reset',
    });
    const error: any = await core
      .readNamespace({ name: 'kube-system' })
      .then(() => undefined)
      .catch(e => e);
    expect(`${error?.code} ${error?.message}`).toMatch(/ECONNRESET/);
    expect(fault).toMatchObject({ hits: 1, remaining: 0 });
    expect(
      (await core.readNamespace({ name: 'kube-system' })).metadata?.name,
    ).toBe('kube-system');
    expect(
      server
        .requests()
        .filter(r => r.path === '/api/v1/namespaces/kube-system')
        .map(r => r.fault ?? 'served'),
    ).toEqual(['reset', 'served']);
  });

  it('refuses a fault that would never fire', () => {
    expect(() => server.inject({ times: 0, respond: 'error' })).toThrow(
      'fault "times" must be a positive integer, got 0',
    );
  });
});
