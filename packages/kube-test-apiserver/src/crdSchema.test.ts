/*
 * CRD schemas on writes: structural pruning (warned, ignored or refused per fieldValidation),
 * validation errors in the apiserver's 422 shape, int-or-string, formats and defaults — on a
 * fixture CRD and on the real Butler Workspace CRD.
 */
import {
  ApiException,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { loadButlerCrds } from './butlerCrds';
import { startKubeTestApiServer } from './startKubeTestApiServer';
import {
  failure,
  raw,
  startWithWidgets,
  WIDGETS,
  WIDGETS_IN_DEFAULT,
} from './testUtils';

describe('CRD schema', () => {
  it('prunes unknown fields with a warning by default, silently with Ignore, and refuses them with Strict', async () => {
    const server = await startWithWidgets();
    try {
      const body = {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: {
          size: 1,
          bogus: 1,
          ports: [{ name: 'http', nope: true }],
          config: { kept: { deep: 1 } },
        },
        topLevel: 'x',
      };
      const warned = await raw(server, 'POST', WIDGETS, body);
      expect(warned.status).toBe(201);
      expect(warned.body.spec).toEqual({
        size: 1,
        replicas: 1,
        ports: [{ name: 'http', protocol: 'TCP' }],
        config: { kept: { deep: 1 } },
      });
      expect(warned.body.topLevel).toBeUndefined();
      expect(warned.headers.warning).toBe(
        '299 - "unknown field \\"spec.bogus\\"", 299 - "unknown field \\"spec.ports[0].nope\\"", 299 - "unknown field \\"topLevel\\""',
      );

      const ignored = await raw(
        server,
        'POST',
        `${WIDGETS}?fieldValidation=Ignore`,
        { ...body, metadata: { name: 'w2' } },
      );
      expect(ignored.status).toBe(201);
      expect(ignored.headers.warning).toBeUndefined();

      const strict = await raw(
        server,
        'POST',
        `${WIDGETS}?fieldValidation=Strict`,
        { ...body, metadata: { name: 'w3' } },
      );
      expect(strict.status).toBe(400);
      expect(strict.body).toMatchObject({
        reason: 'BadRequest',
        message:
          'strict decoding error: unknown field "spec.bogus", unknown field "spec.ports[0].nope", unknown field "topLevel"',
      });
    } finally {
      await server.stop();
    }
  });

  it('answers 422 Invalid with one cause per field: required, type, enum, pattern, format, int-or-string', async () => {
    const server = await startWithWidgets();
    try {
      const custom = server.kubeconfig.makeApiClient(CustomObjectsApi);
      const create = (spec: object) =>
        failure(
          custom.createNamespacedCustomObject({
            ...WIDGETS_IN_DEFAULT,
            body: {
              apiVersion: 'example.com/v1',
              kind: 'Widget',
              metadata: { name: 'w1' },
              spec,
            },
          }),
        );
      const { code, status } = await create({
        color: 'pink',
        slug: 'Not-Lower',
        owner: 'not an email',
        port: true,
        tags: 'x',
      });
      expect(code).toBe(422);
      expect(status.reason).toBe('Invalid');
      expect(status.details).toMatchObject({
        name: 'w1',
        group: 'example.com',
        kind: 'Widget',
      });
      expect(status.details.causes).toEqual(
        expect.arrayContaining([
          {
            reason: 'FieldValueRequired',
            message: 'Required value',
            field: 'spec.size',
          },
          {
            reason: 'FieldValueNotSupported',
            message:
              'Unsupported value: "pink": supported values: "red", "green", "blue"',
            field: 'spec.color',
          },
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: "Not-Lower": spec.slug in body should match '^[a-z]+$'`,
            field: 'spec.slug',
          },
          {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: "not an email": spec.owner in body must be of type email: "not an email"',
            field: 'spec.owner',
          },
          {
            reason: 'FieldValueTypeInvalid',
            message:
              'Invalid value: true: spec.port in body must be of type integer or string: true',
            field: 'spec.port',
          },
          {
            reason: 'FieldValueTypeInvalid',
            message:
              'Invalid value: "x": spec.tags in body must be of type array: "x"',
            field: 'spec.tags',
          },
        ]),
      );
      expect(status.details.causes).toHaveLength(6);
      expect(status.message).toMatch(
        /^Widget\.example\.com "w1" is invalid: \[/,
      );

      // int-or-string takes either
      const ok: any = await custom.createNamespacedCustomObject({
        ...WIDGETS_IN_DEFAULT,
        body: {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w2' },
          spec: { size: 1, port: 'http' },
        },
      });
      expect(ok.spec.port).toBe('http');
    } finally {
      await server.stop();
    }
  });

  it('checks Workspaces against the real Butler CRD: required fields, defaults, pruning', async () => {
    const server = await startKubeTestApiServer({
      crds: loadButlerCrds(['workspaces.butler.butlerlabs.dev']),
    });
    try {
      const objects = KubernetesObjectApi.makeApiClient(server.kubeconfig);
      const workspace = (spec: object) => ({
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'Workspace',
        metadata: { name: 'ws1', namespace: 'default' },
        spec,
      });
      let error: unknown;
      try {
        await objects.patch(
          workspace({ image: 'ubuntu' }),
          undefined,
          undefined,
          'butler-portal',
          undefined,
          PatchStrategy.ServerSideApply,
        );
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ApiException);
      const status = JSON.parse((error as ApiException<string>).body);
      expect(status.code).toBe(422);
      expect(
        status.details.causes.map((c: any) => `${c.field}: ${c.message}`),
      ).toEqual([
        'spec.clusterRef: Required value',
        'spec.owner: Required value',
      ]);

      const created: any = await objects.patch(
        workspace({
          image: 'ubuntu',
          owner: 'jane@example.com',
          clusterRef: { name: 'tenant-1' },
        }),
        undefined,
        undefined,
        'butler-portal',
        undefined,
        PatchStrategy.ServerSideApply,
      );
      expect(created.spec).toMatchObject({
        autoStopAfter: '8h',
        idleTimeout: '4h',
        storageSize: '10Gi',
      });
    } finally {
      await server.stop();
    }
  });
});
