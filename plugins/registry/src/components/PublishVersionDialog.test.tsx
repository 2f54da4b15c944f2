/*
 * The publish form: live validation, a branch or tag resolved to the commit SHA it points at
 * (shown while typing, resolved again at submit, and that SHA pinned), nothing sent while a
 * field is refused or the ref does not resolve.
 */
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { anArtifact, aVersion, mockRegistryApi } from '../__testUtils__/fixtures';
import { registryApiRef } from '../api';
import { PublishVersionDialog } from './VersionActions';

const SHA = '89abcdef0123456789abcdef0123456789abcdef';
const MOVED = 'fedcba9876543210fedcba9876543210fedcba98';

function setup() {
  const registryApi = mockRegistryApi();
  const gitopsApi = mockGitopsApi();
  gitopsApi.listRepositories.mockResolvedValue([
    {
      id: 'modules',
      provider: 'local',
      defaultBranch: 'main',
      cloneUrl: 'https://git.example.com/modules.git',
      kinds: [],
    },
  ]);
  gitopsApi.openChange.mockResolvedValue({
    id: 'platform:8',
    number: 8,
    repository: 'platform',
    branch: 'b',
    state: 'open',
    url: 'https://git.example.com/pr/8',
  });
  renderInTestApp(
    <PublishVersionDialog
      artifact={anArtifact({ versions: [aVersion('1.6.0')] })}
      onClose={() => {}}
    />,
    {
      apis: [
        [registryApiRef, registryApi],
        [gitopsApiRef, gitopsApi],
      ],
    },
  );
  return { registryApi, gitopsApi };
}

async function fill(dialog: HTMLElement, fields: Record<string, string>) {
  for (const [label, value] of Object.entries(fields)) {
    fireEvent.change(within(dialog).getByLabelText(new RegExp(`^${label}`)), {
      target: { value },
    });
  }
}

async function chooseModules(dialog: HTMLElement) {
  fireEvent.mouseDown(within(dialog).getByLabelText(/Portal repository/));
  fireEvent.click(
    await within(screen.getByRole('listbox')).findByText('modules'),
  );
}

/** what RegistryClient rejects with: the server's reason as message, and the response */
function notFound(message: string) {
  return Object.assign(new Error(message), {
    name: 'ResponseError',
    response: { status: 404 },
  });
}

describe('PublishVersionDialog', () => {
  it('refuses an invalid version and ref while typing, and sends nothing', async () => {
    const { gitopsApi, registryApi } = setup();
    const dialog = await screen.findByRole('dialog');
    await fill(dialog, {
      Version: 'v1.7',
      'Git URL': 'https://git.example.com/modules.git',
      'Branch, tag or commit': '../main',
    });
    expect(within(dialog).getByText(/starts with "v"/)).toBeInTheDocument();
    expect(
      within(dialog).getByText(/is not a branch or tag name/),
    ).toBeInTheDocument();
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    );
    await fill(dialog, { Version: '1.6.0' });
    expect(within(dialog).getByText(/1\.6\.0 already exists/)).toBeInTheDocument();
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    );
    expect(gitopsApi.openChange).not.toHaveBeenCalled();
    // a malformed ref is never sent to the backend either
    expect(registryApi.resolveSourceRef).not.toHaveBeenCalled();
  });

  it('shows the SHA a tag resolves to, and pins the SHA it points at on submit', async () => {
    const { gitopsApi, registryApi } = setup();
    registryApi.resolveSourceRef
      .mockResolvedValueOnce({
        source: 'modules',
        repository: 'modules',
        ref: 'v1.7.0',
        commit: SHA,
      })
      // the tag moved between typing and submitting: the submit-time commit is pinned
      .mockResolvedValue({
        source: 'modules',
        repository: 'modules',
        ref: 'v1.7.0',
        commit: MOVED,
      });
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(gitopsApi.listRepositories).toHaveBeenCalled());
    await chooseModules(dialog);
    await fill(dialog, {
      Version: '1.7.0',
      Subdirectory: 'vpc',
      'Branch, tag or commit': 'v1.7.0',
      Changelog: 'Adds flow logs',
    });
    expect(
      await within(dialog).findByText(new RegExp(`Resolves to commit ${SHA}`)),
    ).toBeInTheDocument();
    expect(registryApi.resolveSourceRef).toHaveBeenCalledWith({
      source: 'modules',
      ref: 'v1.7.0',
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    );
    expect(await screen.findByText('#8')).toBeInTheDocument();
    expect(gitopsApi.openChange).toHaveBeenCalledTimes(1);
    expect(gitopsApi.openChange.mock.calls[0][0]).toEqual({
      operation: 'create',
      kind: 'artifactversions',
      namespace: 'team-a',
      name: 'terraform-aws-vpc-1.7.0',
      title: 'Publish terraform-aws-vpc 1.7.0',
      resource: {
        apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
        kind: 'ArtifactVersion',
        metadata: { name: 'terraform-aws-vpc-1.7.0', namespace: 'team-a' },
        spec: {
          artifact: 'terraform-aws-vpc',
          version: '1.7.0',
          changelog: 'Adds flow logs',
          source: {
            git: {
              repository: 'modules',
              url: 'https://git.example.com/modules.git',
              ref: 'v1.7.0',
              commit: MOVED,
              subdirectory: 'vpc',
            },
          },
        },
      },
    });
    expect(gitopsApi.openChange.mock.calls[0][1]?.idempotencyKey).toBeTruthy();
  });

  it('says why a ref does not resolve and sends nothing', async () => {
    const { gitopsApi, registryApi } = setup();
    registryApi.resolveSourceRef.mockRejectedValue(
      notFound("no branch or tag 'v9' in repository 'modules'"),
    );
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(gitopsApi.listRepositories).toHaveBeenCalled());
    await chooseModules(dialog);
    await fill(dialog, { Version: '1.7.0', 'Branch, tag or commit': 'v9' });
    expect(
      await within(dialog).findByText(/no branch or tag 'v9'/),
    ).toBeInTheDocument();
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    );
    await waitFor(() =>
      expect(registryApi.resolveSourceRef).toHaveBeenCalledTimes(2),
    );
    expect(gitopsApi.openChange).not.toHaveBeenCalled();
  });

  it('pins a full SHA of an outside repository as given, saying it is unchecked', async () => {
    const { gitopsApi, registryApi } = setup();
    registryApi.resolveSourceRef.mockRejectedValue(
      notFound(
        `source "https://other.example.com/m.git" is not one of the portal's repositories (modules); give its full commit SHA`,
      ),
    );
    const dialog = await screen.findByRole('dialog');
    await fill(dialog, {
      Version: '1.7.0',
      'Git URL': 'https://other.example.com/m.git',
      'Branch, tag or commit': SHA,
    });
    expect(
      await within(dialog).findByText(/outside repository is not checked/),
    ).toBeInTheDocument();
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    );
    expect(await screen.findByText('#8')).toBeInTheDocument();
    expect(
      (gitopsApi.openChange.mock.calls[0][0].resource as any).spec.source.git,
    ).toEqual({ url: 'https://other.example.com/m.git', ref: SHA, commit: SHA });
  });
});
