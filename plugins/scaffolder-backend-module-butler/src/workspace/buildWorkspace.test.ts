import {
  stringifyResource,
  validate,
} from '@butler-portal/plugin-gitops-common';
import { ED25519_KEY } from '../__testUtils__/sshKeys';
import { buildWorkspace } from './buildWorkspace';

const template = {
  namespace: 'team-a',
  name: 'go-dev',
  template: {
    image: 'golang:1.23',
    resources: { cpu: '2', memory: '4Gi' },
    storageSize: '20Gi',
    repository: { url: 'https://github.com/acme/starter.git' },
    envFrom: { name: 'api' },
  },
};
const required = {
  name: 'dev',
  namespace: 'team-a',
  owner: 'jane@example.com',
  clusterRef: 'c1',
};

describe('buildWorkspace', () => {
  it("takes the template's fields as defaults", () => {
    expect(buildWorkspace(required, template)).toEqual({
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'Workspace',
      metadata: {
        name: 'dev',
        namespace: 'team-a',
        annotations: { 'portal.butlerlabs.dev/template': 'team-a/go-dev' },
      },
      spec: {
        owner: 'jane@example.com',
        clusterRef: { name: 'c1' },
        image: 'golang:1.23',
        resources: { cpu: '2', memory: '4Gi' },
        storageSize: '20Gi',
        repository: { url: 'https://github.com/acme/starter.git' },
        envFrom: { name: 'api' },
      },
    });
  });

  it("lets every choice override the template, the user's repositories replacing its own", () => {
    const workspace = buildWorkspace(
      {
        ...required,
        cpu: '4',
        storageSize: '50Gi',
        repositories: [{ url: 'https://github.com/acme/a.git', branch: 'dev' }],
        dotfiles: { url: 'https://github.com/jane/dotfiles.git' },
        idleTimeout: '1h',
        autoStopAfter: '0',
        sshPublicKeys: [ED25519_KEY],
      },
      template,
    ) as any;
    expect(workspace.spec).toEqual({
      owner: 'jane@example.com',
      clusterRef: { name: 'c1' },
      image: 'golang:1.23',
      resources: { cpu: '4', memory: '4Gi' },
      storageSize: '50Gi',
      repositories: [{ url: 'https://github.com/acme/a.git', branch: 'dev' }],
      dotfiles: { url: 'https://github.com/jane/dotfiles.git' },
      envFrom: { name: 'api' },
      idleTimeout: '1h',
      autoStopAfter: '0',
      sshPublicKeys: [ED25519_KEY],
    });
    // what the action submits is what the backend accepts, keys included
    expect(validate(stringifyResource(workspace)).issues).toEqual([]);
  });

  it('leaves out empty choices rather than writing empty keys', () => {
    const { spec } = buildWorkspace(
      { ...required, repositories: [], sshPublicKeys: [] },
      { namespace: 'x', name: 'y', template: { image: 'i' } },
    ) as any;
    expect(spec).toEqual({
      owner: 'jane@example.com',
      clusterRef: { name: 'c1' },
      image: 'i',
    });
  });
});
