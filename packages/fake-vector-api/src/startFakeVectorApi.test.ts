import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeVectorApi } from './startFakeVectorApi';

const QUERY = `query Page($first: Int!, $after: String) {
  components(first: $first, after: $after) {
    edges { cursor node { __typename componentId componentType } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function graphql(url: string, body: unknown) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('startFakeVectorApi', () => {
  it('answers /health with ok while healthy and 503 otherwise', async () => {
    const api = await startFakeVectorApi();
    try {
      let response = await fetch(`${api.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
      api.setHealthy(false);
      response = await fetch(`${api.url}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ ok: false });
    } finally {
      await api.stop();
    }
  });

  it('pages the components connection with cursors', async () => {
    const api = await startFakeVectorApi({
      components: ['c', 'a', 'b'].map(id => ({
        componentId: id,
        kind: 'Source' as const,
        componentType: 'demo_logs',
      })),
    });
    try {
      const first = await graphql(api.url, {
        query: QUERY,
        variables: { first: 2 },
      });
      expect(first.status).toBe(200);
      const connection = first.body.data.components;
      expect(connection.edges.map((e: any) => e.node)).toEqual([
        { __typename: 'Source', componentId: 'a', componentType: 'demo_logs' },
        { __typename: 'Source', componentId: 'b', componentType: 'demo_logs' },
      ]);
      expect(connection.pageInfo.hasNextPage).toBe(true);
      const second = await graphql(api.url, {
        query: QUERY,
        variables: { first: 2, after: connection.pageInfo.endCursor },
      });
      expect(
        second.body.data.components.edges.map((e: any) => e.node.componentId),
      ).toEqual(['c']);
      expect(second.body.data.components.pageInfo.hasNextPage).toBe(false);
    } finally {
      await api.stop();
    }
  });

  it('answers an unknown query with GraphQL errors and 200', async () => {
    const api = await startFakeVectorApi();
    try {
      const response = await graphql(api.url, {
        query: '{ sources { name } }',
      });
      expect(response.status).toBe(200);
      expect(response.body.errors[0].message).toMatch(
        /answers only "components" and "health"/,
      );
    } finally {
      await api.stop();
    }
  });

  it('loads a config directory as one configuration and keeps the running one when Vector would refuse it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-vector-'));
    const api = await startFakeVectorApi();
    try {
      fs.writeFileSync(
        path.join(dir, 'a.yaml'),
        'sources:\n  a_in:\n    type: demo_logs\nsinks:\n  a_out:\n    type: console\n    inputs: [a_in]\n',
      );
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not loaded');
      expect(api.loadConfigDir(dir)).toBe(true);
      expect(api.components()).toEqual([
        { componentId: 'a_in', kind: 'Source', componentType: 'demo_logs' },
        { componentId: 'a_out', kind: 'Sink', componentType: 'console' },
      ]);
      fs.writeFileSync(
        path.join(dir, 'b.yaml'),
        'sources:\n  a_in:\n    type: stdin\n',
      );
      expect(api.loadConfigDir(dir)).toBe(false);
      expect(api.lastReloadError()).toBe(
        'duplicate component id "a_in" (a.yaml and b.yaml)',
      );
      expect(api.components().map(c => c.componentId)).toEqual([
        'a_in',
        'a_out',
      ]);
    } finally {
      await api.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
