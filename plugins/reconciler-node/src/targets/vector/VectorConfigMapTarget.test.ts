import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { startKubeTestApiServer } from '@butler-portal/kube-test-apiserver';
import { startFakeVectorApi } from '@butler-portal/fake-vector-api';
import { VectorConfigMapTarget } from './VectorConfigMapTarget';
import { desiredPipeline } from './__testUtils__/pipelines';

const configMap = { name: 'vector-pipelines', namespace: 'observability' };
const ref = (name: string) => ({
  kind: 'Pipeline' as const,
  namespace: 'team-a',
  name,
});
const noWait = async () => {};

async function withServer(
  run: (ctx: {
    target: VectorConfigMapTarget;
    api: KubernetesObjectApi;
    live: () => Promise<any>;
    kubeConfig: Awaited<
      ReturnType<typeof startKubeTestApiServer>
    >['kubeconfig'];
  }) => Promise<void>,
) {
  const server = await startKubeTestApiServer({
    namespaces: ['default', 'observability'],
  });
  try {
    const target = new VectorConfigMapTarget({
      kubeConfig: server.kubeconfig,
      configMap,
      requestTimeoutMs: 2000,
      retry: { sleep: noWait },
    });
    const api = KubernetesObjectApi.makeApiClient(server.kubeconfig);
    const live = async () =>
      JSON.parse(
        JSON.stringify(
          await api.read({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: configMap,
          }),
        ),
      );
    await run({ target, api, live, kubeConfig: server.kubeconfig });
  } finally {
    await server.stop();
  }
}

describe('VectorConfigMapTarget', () => {
  it('folds pipelines into one ConfigMap, keyed by file name, and lists them with the desired hashes', () =>
    withServer(async ({ target, live }) => {
      const one = desiredPipeline('team-a', 'one');
      const two = desiredPipeline('team-a', 'two');
      expect(await target.apply([one])).toEqual([{ ref: one.ref, ok: true }]);
      expect(await target.apply([two])).toEqual([{ ref: two.ref, ok: true }]);
      const object = await live();
      expect(Object.keys(object.data)).toEqual([
        'team-a_one.yaml',
        'team-a_two.yaml',
      ]);
      expect(object.data['team-a_one.yaml']).toBe(one.object.spec.content);
      expect(object.metadata.annotations['portal.butlerlabs.dev/commit']).toBe(
        'c0ffee',
      );
      expect(await target.listManaged()).toEqual([
        { ref: one.ref, hash: one.hash },
        { ref: two.ref, hash: two.hash },
      ]);
      await target.delete(ref('one'));
      await target.delete(ref('one'));
      expect(Object.keys((await live()).data)).toEqual(['team-a_two.yaml']);
    }));

  it('never writes to, lists from or deletes from a ConfigMap without the managed-by label', () =>
    withServer(async ({ target, api, live }) => {
      await api.patch(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: configMap,
          data: { 'team-a_one.yaml': 'sources: {}\n' },
        } as any,
        undefined,
        undefined,
        'helm',
        true,
        PatchStrategy.ServerSideApply,
      );
      expect(await target.listManaged()).toEqual([]);
      const [result] = await target.apply([desiredPipeline('team-a', 'two')]);
      expect(result).toEqual({
        ref: ref('two'),
        ok: false,
        error:
          "ConfigMap observability/vector-pipelines exists without the portal's managed-by label; not taking it over",
      });
      await expect(target.delete(ref('one'))).rejects.toThrow(
        "ConfigMap observability/vector-pipelines does not carry the portal's managed-by label; not deleting team-a_one.yaml from it",
      );
      expect((await live()).data).toEqual({
        'team-a_one.yaml': 'sources: {}\n',
      });
    }));

  it('reports every pipeline of a failed apply as failed, with the apiserver reason', () =>
    withServer(async ({ kubeConfig }) => {
      const target = new VectorConfigMapTarget({
        kubeConfig,
        configMap: { name: 'vector-pipelines', namespace: 'absent' },
        requestTimeoutMs: 2000,
        retry: { sleep: noWait },
      });
      const results = await target.apply([
        desiredPipeline('team-a', 'one'),
        desiredPipeline('team-a', 'two'),
      ]);
      expect(results).toEqual([
        { ref: ref('one'), ok: false, error: 'namespaces "absent" not found' },
        { ref: ref('two'), ok: false, error: 'namespaces "absent" not found' },
      ]);
    }));

  it('refuses a ConfigMap name that is not a DNS-1123 subdomain', () =>
    withServer(async ({ kubeConfig }) => {
      expect(
        () =>
          new VectorConfigMapTarget({
            kubeConfig,
            configMap: { name: '../x', namespace: 'observability' },
          }),
      ).toThrow("configMap.name: '../x' must be a DNS-1123 subdomain");
    }));

  it('takes health from Vector when its API is configured', () =>
    withServer(async ({ kubeConfig }) => {
      const vector = await startFakeVectorApi();
      try {
        const target = new VectorConfigMapTarget({
          kubeConfig,
          configMap,
          vectorApiUrl: vector.url,
          healthGraceMs: 0,
          retry: { sleep: noWait },
        });
        await target.apply([desiredPipeline('team-a', 'one')]);
        expect(await target.health(ref('one'))).toEqual({
          status: 'Degraded',
          message:
            '3 of 3 components not running in Vector: team-a_one_app, team-a_one_tag, team-a_one_out',
        });
        vector.setComponents(
          [
            'app:Source:demo_logs',
            'tag:Transform:remap',
            'out:Sink:console',
          ].map(s => {
            const [id, kind, type] = s.split(':');
            return {
              componentId: `team-a_one_${id}`,
              kind: kind as any,
              componentType: type,
            };
          }),
        );
        const fresh = new VectorConfigMapTarget({
          kubeConfig,
          configMap,
          vectorApiUrl: vector.url,
          retry: { sleep: noWait },
        });
        expect(await fresh.health(ref('one'))).toEqual({
          status: 'Healthy',
          message: 'Vector runs all 3 components',
        });
      } finally {
        await vector.stop();
      }
    }));
});
