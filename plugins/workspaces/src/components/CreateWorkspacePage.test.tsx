import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  aTemplate,
  mockCatalogApi,
  mockGitopsApi,
} from '../__testUtils__/fixtures';
import {
  ED25519_KEY,
  PRIVATE_KEY,
  RSA_2048_KEY,
  RSA_3072_KEY,
} from '../__testUtils__/sshKeys';
import { rootRouteRef } from '../routes';
import { CreateWorkspacePage } from './CreateWorkspacePage';

function renderForm(
  options: { storage?: ReturnType<typeof mockApis.storage> } = {},
) {
  const gitopsApi = mockGitopsApi();
  gitopsApi.listResources.mockResolvedValue([aTemplate()]);
  gitopsApi.openChange.mockResolvedValue({
    id: 'platform:12',
    number: 12,
    repository: 'platform',
    url: 'https://github.example/acme/platform/pull/12',
    branch: 'butler/workspace/jane-new',
    state: 'open',
  });
  const storage = options.storage ?? mockApis.storage();
  renderInTestApp(<CreateWorkspacePage />, {
    apis: [
      [gitopsApiRef, gitopsApi],
      [catalogApiRef, mockCatalogApi()],
      mockApis.identity({ userEntityRef: 'user:default/jane' }),
      storage,
    ],
    config: { workspaces: { defaultCluster: 'dev-cluster' } },
    mountedRoutes: { '/workspaces': rootRouteRef },
  });
  return { gitopsApi, storage };
}

const field = (name: RegExp) => screen.getByRole('textbox', { name });
const type = (name: RegExp, value: string) =>
  fireEvent.change(field(name), { target: { value } });

async function pickTemplate() {
  fireEvent.mouseDown(await screen.findByRole('button', { name: /Template/ }));
  fireEvent.click(
    await screen.findByRole('option', { name: 'Go backend (backend)' }),
  );
  // the menu hides the rest of the page from the accessibility tree until it has closed
  await waitFor(() =>
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument(),
  );
}

async function fillValidForm() {
  await pickTemplate();
  type(/^Name$/, 'jane-new');
  type(/^Namespace/, 'team-a');
}

describe('CreateWorkspacePage', () => {
  it('prefills the cluster from config and the size and repositories from the template', async () => {
    renderForm();
    await pickTemplate();
    expect(field(/^Cluster/)).toHaveValue('dev-cluster');
    expect(field(/^CPU/)).toHaveValue('2');
    expect(field(/^Memory/)).toHaveValue('8Gi');
    expect(field(/^Storage/)).toHaveValue('20Gi');
    expect(field(/^Repository 1 URL/)).toHaveValue(
      'https://github.com/acme/api.git',
    );
    expect(screen.getByText('at most 16Gi')).toBeInTheDocument();
    expect(
      screen.getByText(/Go 1.23 with the API repository/),
    ).toBeInTheDocument();
  });

  it('shows validation at the field as it is typed, with the backend schema and the template limits', async () => {
    const { gitopsApi } = renderForm();
    await fillValidForm();

    type(/^Name$/, 'Jane_New');
    await waitFor(() =>
      expect(field(/^Name$/)).toHaveAccessibleDescription(
        '"Jane_New" is not a valid DNS-1123 name: lower case letters, digits and "-" only',
      ),
    );
    expect(field(/^Name$/)).toHaveAttribute('aria-invalid', 'true');
    type(/^CPU/, '4');
    expect(field(/^CPU/)).toHaveAccessibleDescription(
      'at most 2 with template Go backend',
    );
    type(/^Idle timeout/, 'soon');
    expect(field(/^Idle timeout/)).toHaveAccessibleDescription(
      /^"soon" is not valid: expected a Go duration/,
    );
    // untouched fields stay quiet until a submit
    expect(field(/^Auto-stop after/)).toHaveAttribute('aria-invalid', 'false');

    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    expect(gitopsApi.openChange).not.toHaveBeenCalled();
  });

  it('refuses a 2048-bit RSA key and accepts ed25519 and 3072-bit RSA keys', async () => {
    renderForm();
    await fillValidForm();
    const keys = screen.getByRole('textbox', { name: /SSH public keys/ });

    fireEvent.change(keys, {
      target: { value: `${ED25519_KEY}\n${RSA_2048_KEY}` },
    });
    expect(
      await screen.findByText(
        /key 2 \(ssh-rsa .*\): ssh-rsa key of 2048 bits is too short/,
      ),
    ).toBeInTheDocument();

    fireEvent.change(keys, {
      target: { value: `${ED25519_KEY}\n${RSA_3072_KEY}` },
    });
    await waitFor(() =>
      expect(screen.queryByText(/too short/)).not.toBeInTheDocument(),
    );
    expect(keys).toHaveAttribute('aria-invalid', 'false');
  });

  it('refuses a pasted private key: it is neither sent nor stored', async () => {
    const storage = mockApis.storage();
    const { gitopsApi } = renderForm({ storage });
    await fillValidForm();
    fireEvent.change(screen.getByRole('textbox', { name: /SSH public keys/ }), {
      target: { value: PRIVATE_KEY },
    });
    fireEvent.click(
      screen.getByRole('checkbox', { name: /Remember these public keys/ }),
    );
    expect(
      await screen.findByText(/This is a private key/),
    ).toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );

    expect(gitopsApi.openChange).not.toHaveBeenCalled();
    expect(
      storage.forBucket('workspaces').snapshot('sshPublicKeys').value,
    ).toBeUndefined();
  });

  it('opens a change request with the Workspace and shows its link', async () => {
    const storage = mockApis.storage();
    const { gitopsApi } = renderForm({ storage });
    await fillValidForm();
    type(/^Memory/, '12Gi');
    fireEvent.click(screen.getByRole('button', { name: 'Add repository' }));
    type(/^Repository 2 URL/, 'git@github.com:acme/web.git');
    type(/^Repository 2 branch/, 'develop');
    type(/^Dotfiles repository/, 'https://github.com/jane/dotfiles.git');
    type(/^Auto-stop after/, '2h');
    fireEvent.change(screen.getByRole('textbox', { name: /SSH public keys/ }), {
      target: { value: `${ED25519_KEY}\n` },
    });
    fireEvent.click(
      screen.getByRole('checkbox', { name: /Remember these public keys/ }),
    );

    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );

    const notice = await screen.findByRole('status', {
      name: 'Change request opened',
    });
    expect(within(notice).getByRole('link', { name: /^#12/ })).toHaveAttribute(
      'href',
      'https://github.example/acme/platform/pull/12',
    );
    expect(within(notice).getByText('open')).toBeInTheDocument();
    expect(gitopsApi.openChange).toHaveBeenCalledTimes(1);
    expect(gitopsApi.openChange).toHaveBeenCalledWith(
      {
        operation: 'create',
        kind: 'Workspace',
        namespace: 'team-a',
        name: 'jane-new',
        title: 'Create workspace team-a/jane-new',
        description: expect.stringContaining('Go backend'),
        resource: {
          apiVersion: 'butler.butlerlabs.dev/v1alpha1',
          kind: 'Workspace',
          metadata: {
            name: 'jane-new',
            namespace: 'team-a',
            annotations: {
              'portal.butlerlabs.dev/template': 'butler-system/go-backend',
            },
          },
          spec: {
            clusterRef: { name: 'dev-cluster' },
            image: 'ghcr.io/butlerdotdev/workspace-go:1.23',
            owner: 'jane@example.com',
            resources: { cpu: '2', memory: '12Gi' },
            storageSize: '20Gi',
            repositories: [
              { url: 'https://github.com/acme/api.git', branch: 'main' },
              { url: 'git@github.com:acme/web.git', branch: 'develop' },
            ],
            dotfiles: { url: 'https://github.com/jane/dotfiles.git' },
            autoStopAfter: '2h',
            sshPublicKeys: [ED25519_KEY],
          },
        },
      },
      { idempotencyKey: expect.stringMatching(/^[0-9a-f-]{32,36}$/) },
    );
    expect(
      storage.forBucket('workspaces').snapshot('sshPublicKeys').value,
    ).toEqual([ED25519_KEY]);
  });

  it('shows the state the change request has now', async () => {
    const { gitopsApi } = renderForm();
    gitopsApi.getChange.mockResolvedValue({ state: 'merged' } as any);
    await fillValidForm();
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    const notice = await screen.findByRole('status', {
      name: 'Change request opened',
    });
    expect(
      await within(notice).findByText(
        /It is merged: the reconciler applies it shortly/,
      ),
    ).toBeInTheDocument();
    expect(gitopsApi.getChange).toHaveBeenCalledWith('platform:12');
  });

  it('shows what the backend refused at its field until it is changed, and keeps the idempotency key of the form', async () => {
    const { gitopsApi } = renderForm();
    gitopsApi.openChange.mockRejectedValueOnce(
      Object.assign(new Error('Workspace team-a/jane-new is invalid'), {
        statusCode: 400,
        issues: [
          {
            path: '/metadata/name',
            line: 4,
            column: 9,
            message: 'metadata.name: team-a/jane-new already exists',
          },
        ],
      }),
    );
    await fillValidForm();
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );

    await waitFor(() =>
      expect(field(/^Name$/)).toHaveAccessibleDescription(
        'team-a/jane-new already exists',
      ),
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Could not open the change request: Workspace team-a/jane-new is invalid',
    );

    // the refused name stays marked until it is changed
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    expect(gitopsApi.openChange).toHaveBeenCalledTimes(1);
    type(/^Name$/, 'jane-new-2');
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    await screen.findByRole('status', { name: 'Change request opened' });
    expect(gitopsApi.openChange.mock.calls[1][0].name).toBe('jane-new-2');
    const keys = gitopsApi.openChange.mock.calls.map(
      ([, o]) => o?.idempotencyKey,
    );
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('prefills the keys the user kept', async () => {
    const storage = mockApis.storage();
    await storage.forBucket('workspaces').set('sshPublicKeys', [RSA_3072_KEY]);
    renderForm({ storage });
    expect(
      await screen.findByRole('textbox', { name: /SSH public keys/ }),
    ).toHaveValue(RSA_3072_KEY);
  });
});
