import { renderInTestApp } from '@backstage/frontend-test-utils';
import { parseResourceYaml } from '@butler-portal/plugin-gitops-common';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  janeDevDetail,
  JANE_DEV_YAML,
  mockGitopsApi,
} from '../__testUtils__/fixtures';
import { ED25519_KEY, PRIVATE_KEY } from '../__testUtils__/sshKeys';
import { PRIVATE_KEY_MESSAGE } from '../lib/workspaceForm';
import { EditWorkspaceDialog } from './EditWorkspaceDialog';

const opened = {
  id: 'platform:13',
  number: 13,
  repository: 'platform',
  branch: 'butler/workspace/jane-dev/edit',
  state: 'open' as const,
};

/** A file with a commented second repository carrying a field the dialog does not show. */
const TWO_REPOS_YAML = JANE_DEV_YAML.replace(
  '      branch: main\n',
  [
    '      branch: main',
    '    # the shared protos',
    '    - url: https://github.com/acme/protos.git',
    '      branch: v2',
    '      name: protos',
    '',
  ].join('\n'),
);

async function renderDialog(yaml = JANE_DEV_YAML) {
  const gitopsApi = mockGitopsApi();
  gitopsApi.openChange.mockResolvedValue(opened);
  const detail = janeDevDetail();
  const parsed = parseResourceYaml(yaml);
  const onOpened = jest.fn();
  await renderInTestApp(
    <EditWorkspaceDialog
      detail={{
        ...detail,
        yaml,
        object: parsed.ok ? (parsed.yaml.value as any) : detail.object,
      }}
      open
      onClose={() => {}}
      onOpened={onOpened}
    />,
    { apis: [[gitopsApiRef, gitopsApi]] },
  );
  return { gitopsApi, onOpened, dialog: await screen.findByRole('dialog') };
}

const submit = (dialog: HTMLElement) =>
  fireEvent.click(
    within(dialog).getByRole('button', { name: 'Open change request' }),
  );

/** The lines only one side has, in order: what a line diff of the two texts shows. */
function lineDiff(before: string, after: string) {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (
    end < a.length - start &&
    end < b.length - start &&
    a[a.length - 1 - end] === b[b.length - 1 - end]
  ) {
    end++;
  }
  return {
    removed: a.slice(start, a.length - end),
    added: b.slice(start, b.length - end),
  };
}

describe('EditWorkspaceDialog', () => {
  it('says why it cannot submit before anything changed', async () => {
    const { dialog } = await renderDialog();
    expect(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    ).toBeDisabled();
    expect(
      within(dialog).getByText('Nothing changed yet.'),
    ).toBeInTheDocument();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'CPU' }), {
      target: { value: '1' },
    });
    expect(
      within(dialog).queryByText('Nothing changed yet.'),
    ).not.toBeInTheDocument();
  });

  it('changing one repository branch changes one line, the other repository and its comment kept', async () => {
    const { gitopsApi, onOpened, dialog } = await renderDialog(TWO_REPOS_YAML);
    const branch = within(dialog).getByRole('textbox', {
      name: 'Repository 2 branch',
    });
    expect(branch).toHaveValue('v2');
    fireEvent.change(branch, { target: { value: 'v3' } });
    submit(dialog);

    await waitFor(() => expect(onOpened).toHaveBeenCalledWith(opened));
    const [request] = gitopsApi.openChange.mock.calls[0];
    expect(lineDiff(TWO_REPOS_YAML, request.yaml!)).toEqual({
      removed: ['      branch: v2'],
      added: ['      branch: v3'],
    });
    expect(request.description).toBe(
      'Changes spec.repositories.1.branch, from the portal.',
    );
  });

  it('removing a repository removes its lines only', async () => {
    const { gitopsApi, dialog } = await renderDialog(TWO_REPOS_YAML);
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Remove repository 1' }),
    );
    submit(dialog);

    await waitFor(() => expect(gitopsApi.openChange).toHaveBeenCalledTimes(1));
    const { removed, added } = lineDiff(
      TWO_REPOS_YAML,
      gitopsApi.openChange.mock.calls[0][0].yaml!,
    );
    expect(added).toEqual([]);
    expect(removed).toEqual([
      '    - url: https://github.com/acme/api.git',
      '      branch: main',
    ]);
  });

  it('adding an SSH key adds its lines only', async () => {
    const { gitopsApi, dialog } = await renderDialog();
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'SSH public keys' }),
      { target: { value: `${ED25519_KEY}\n` } },
    );
    submit(dialog);

    await waitFor(() => expect(gitopsApi.openChange).toHaveBeenCalledTimes(1));
    const { removed, added } = lineDiff(
      JANE_DEV_YAML,
      gitopsApi.openChange.mock.calls[0][0].yaml!,
    );
    expect(removed).toEqual([]);
    expect(added).toEqual(['  sshPublicKeys:', `    - ${ED25519_KEY}`]);
  });

  it('adding a repository adds its lines only', async () => {
    const { gitopsApi, dialog } = await renderDialog();
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Add repository' }),
    );
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'Repository 2 URL' }),
      { target: { value: 'https://github.com/acme/web.git' } },
    );
    submit(dialog);

    await waitFor(() => expect(gitopsApi.openChange).toHaveBeenCalledTimes(1));
    expect(
      lineDiff(JANE_DEV_YAML, gitopsApi.openChange.mock.calls[0][0].yaml!),
    ).toEqual({
      removed: [],
      added: ['    - url: https://github.com/acme/web.git'],
    });
  });

  it('refuses a private key and does not send it', async () => {
    const { gitopsApi, dialog } = await renderDialog();
    // another field changed too: the edit would otherwise be sendable
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Memory' }), {
      target: { value: '16Gi' },
    });
    const keys = within(dialog).getByRole('textbox', {
      name: 'SSH public keys',
    });
    fireEvent.change(keys, { target: { value: PRIVATE_KEY } });

    expect(keys).toHaveAccessibleDescription(PRIVATE_KEY_MESSAGE);
    const button = within(dialog).getByRole('button', {
      name: 'Open change request',
    });
    expect(button).toBeDisabled();
    submit(dialog);
    expect(gitopsApi.openChange).not.toHaveBeenCalled();
  });

  it('shows an invalid key at the keys field, naming the key', async () => {
    const { gitopsApi, dialog } = await renderDialog();
    const keys = within(dialog).getByRole('textbox', {
      name: 'SSH public keys',
    });
    fireEvent.change(keys, { target: { value: 'ssh-ed25519 not-base64' } });

    expect(keys).toHaveAccessibleDescription(
      /^key 1 \(ssh-ed25519 not-base64…\): /,
    );
    submit(dialog);
    expect(gitopsApi.openChange).not.toHaveBeenCalled();
  });
});
