import { renderInTestApp } from '@backstage/frontend-test-utils';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  aDetail,
  aVersion,
  anArtifact,
  mockRegistryApi,
} from '../__testUtils__/fixtures';
import { registryApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { ArtifactPage } from './ArtifactPage';

const SHA = '89abcdef0123456789abcdef0123456789abcdef';

function renderPage(
  registryApi = mockRegistryApi(),
  gitopsApi = mockGitopsApi(),
) {
  renderInTestApp(
    <Routes>
      <Route path="/registry/:namespace/:name" element={<ArtifactPage />} />
    </Routes>,
    {
      initialRouteEntries: ['/registry/team-a/terraform-aws-vpc'],
      apis: [
        [registryApiRef, registryApi],
        [gitopsApiRef, gitopsApi],
      ],
      mountedRoutes: {
        '/registry': rootRouteRef,
      },
    },
  );
  return { registryApi, gitopsApi };
}

function moduleDetail() {
  return aDetail({
    artifact: anArtifact({
      versions: [
        aVersion('1.6.0', {
          state: 'open',
          change: {
            repository: 'platform',
            id: 'platform:7',
            number: 7,
            title: 'Publish terraform-aws-vpc 1.6.0',
          },
        }),
        aVersion('1.5.0', { changelog: 'Adds IPv6' }),
        aVersion('1.4.0', { state: 'deprecated', reason: 'NAT bug' }),
        aVersion('1.3.0', { state: 'yanked', reason: 'leaks state' }),
      ],
    }),
    content: {
      version: '1.5.0',
      readme: '# VPC module\n\nCreates a **VPC**.',
      files: ['main.tf'],
      terraform: {
        inputs: [
          {
            name: 'cidr',
            type: 'string',
            required: true,
            description: 'the CIDR',
          },
          { name: 'azs', type: 'number', required: false, default: 2 },
        ],
        outputs: [{ name: 'vpc_id', description: 'the VPC id' }],
      },
    },
    dependencies: [
      {
        artifact: 'team-a/terraform-aws-subnets',
        namespace: 'team-a',
        name: 'terraform-aws-subnets',
        versionRange: '^2.0.0',
        resolved: '2.1.0',
      },
    ],
    usedBy: [
      {
        namespace: 'team-b',
        name: 'terraform-aws-eks',
        versionRange: '~1.4.0',
        acceptsLatest: false,
      },
    ],
    usage: [
      {
        client: 'terraform',
        title: 'Terraform',
        language: 'hcl',
        code: 'module "vpc" {\n  source = "localhost:7007/team-a/vpc/aws"\n}',
      },
    ],
  });
}

describe('ArtifactPage', () => {
  it('shows the README, inputs and outputs, versions with their state, usage, dependencies and used-by', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValue(moduleDetail());
    renderPage(api);
    expect(
      await screen.findByRole('heading', { name: 'VPC module' }),
    ).toBeInTheDocument();
    expect(api.getArtifact).toHaveBeenCalledWith({
      namespace: 'team-a',
      name: 'terraform-aws-vpc',
      version: undefined,
    });
    const inputs = screen.getByRole('table', { name: 'Inputs' });
    expect(within(inputs).getByText('cidr')).toBeInTheDocument();
    expect(within(inputs).getByText('the CIDR')).toBeInTheDocument();
    expect(
      within(screen.getByRole('table', { name: 'Outputs' })).getByText(
        'vpc_id',
      ),
    ).toBeInTheDocument();
    const versions = screen.getByRole('table', { name: 'Versions' });
    expect(within(versions).getByText('open change')).toBeInTheDocument();
    expect(
      within(versions).getByText('#7 Publish terraform-aws-vpc 1.6.0'),
    ).toBeInTheDocument();
    expect(within(versions).getByText('NAT bug')).toBeInTheDocument();
    expect(within(versions).getByText('yanked')).toBeInTheDocument();
    expect(within(versions).getByText('Adds IPv6')).toBeInTheDocument();
    // the snippet is highlighted token by token: read it as text
    await waitFor(() =>
      expect(document.body.textContent).toContain(
        'localhost:7007/team-a/vpc/aws',
      ),
    );
    expect(screen.getByText('team-a/terraform-aws-subnets')).toHaveAttribute(
      'href',
      '/registry/team-a/terraform-aws-subnets',
    );
    expect(
      within(screen.getByRole('list', { name: 'Dependencies' })).getByText(
        /→ 2\.1\.0/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('team-b/terraform-aws-eks')).toBeInTheDocument();
    // no actions on a version that is only in review, or already yanked
    expect(screen.queryByLabelText('Yank 1.6.0')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Yank 1.3.0')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Deprecate 1.4.0')).not.toBeInTheDocument();
  });

  it('resolves a range, refusing a malformed one while typing', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValue(moduleDetail());
    api.resolveRange.mockResolvedValue({ range: '^1.4.0', version: '1.5.0' });
    renderPage(api);
    const input = await screen.findByLabelText('Version range');
    fireEvent.change(input, { target: { value: '>>1' } });
    expect(screen.getByRole('button', { name: 'Resolve' })).toBeDisabled();
    fireEvent.change(input, { target: { value: '^1.4.0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));
    expect(
      await screen.findByText('^1.4.0 resolves to 1.5.0'),
    ).toBeInTheDocument();
    expect(api.resolveRange).toHaveBeenCalledTimes(1);
    expect(api.resolveRange).toHaveBeenCalledWith({
      namespace: 'team-a',
      name: 'terraform-aws-vpc',
      range: '^1.4.0',
    });
  });

  it('shows another version when it is chosen', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValue(moduleDetail());
    renderPage(api);
    const versions = await screen.findByRole('table', { name: 'Versions' });
    fireEvent.click(within(versions).getByRole('button', { name: '1.4.0' }));
    await waitFor(() =>
      expect(api.getArtifact).toHaveBeenLastCalledWith({
        namespace: 'team-a',
        name: 'terraform-aws-vpc',
        version: '1.4.0',
      }),
    );
  });

  it('shows chart values and policy packages', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValueOnce(
      aDetail({
        artifact: anArtifact({ name: 'web-app', type: 'helm-chart' }),
        content: {
          version: '1.5.0',
          files: [],
          helm: { chart: { name: 'web-app' }, values: 'replicaCount: 2\n' },
          opa: { packages: ['kubernetes.admission'] },
        },
      }),
    );
    renderPage(api);
    expect(await screen.findByText('Chart values')).toBeInTheDocument();
    expect(screen.getByText(/replicaCount/)).toBeInTheDocument();
    expect(screen.getByText('kubernetes.admission')).toBeInTheDocument();
  });

  it('shows why the content could not be read, and an error state', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValue(
      aDetail({ contentProblem: 'the source commit is gone' }),
    );
    renderPage(api);
    expect(
      await screen.findByText('the source commit is gone'),
    ).toBeInTheDocument();
  });

  it('answers an unknown artifact with the reason', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockRejectedValue(new Error('no artifact team-a/x'));
    renderPage(api);
    expect(
      await screen.findByText('Error: no artifact team-a/x'),
    ).toBeInTheDocument();
  });

  // the publish form itself: PublishVersionDialog.test.tsx

  it('yanks a version by editing its file, with the reason required', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValue(moduleDetail());
    const gitopsApi = mockGitopsApi();
    const record = {
      apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
      kind: 'ArtifactVersion',
      metadata: { name: 'terraform-aws-vpc-1.5.0', namespace: 'team-a' },
      spec: {
        artifact: 'terraform-aws-vpc',
        version: '1.5.0',
        source: { git: { url: 'https://x/y.git', ref: SHA, commit: SHA } },
      },
    };
    gitopsApi.getResource.mockResolvedValue({
      repository: 'platform',
      kind: 'ArtifactVersion',
      namespace: 'team-a',
      name: 'terraform-aws-vpc-1.5.0',
      path: 'artifact-versions/team-a/terraform-aws-vpc-1.5.0.yaml',
      revision: 'rev1',
      object: record as any,
      yaml: '',
      changes: [],
    });
    gitopsApi.openChange.mockResolvedValue({
      id: 'platform:9',
      number: 9,
      repository: 'platform',
      branch: 'b',
      state: 'open',
      url: 'https://git.example.com/pr/9',
    });
    renderPage(api, gitopsApi);
    fireEvent.click(await screen.findByLabelText('Yank 1.5.0'));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    );
    expect(
      within(dialog).getByText('a reason is required'),
    ).toBeInTheDocument();
    expect(gitopsApi.openChange).not.toHaveBeenCalled();
    fireEvent.change(within(dialog).getByLabelText(/^Reason/), {
      target: { value: 'leaks credentials' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    );
    await waitFor(() => expect(gitopsApi.openChange).toHaveBeenCalled());
    expect(await screen.findByText('#9')).toBeInTheDocument();
    expect(gitopsApi.getResource).toHaveBeenCalledWith({
      kind: 'artifactversions',
      namespace: 'team-a',
      name: 'terraform-aws-vpc-1.5.0',
    });
    expect(gitopsApi.openChange.mock.calls[0][0]).toEqual({
      operation: 'update',
      kind: 'artifactversions',
      namespace: 'team-a',
      name: 'terraform-aws-vpc-1.5.0',
      baseRevision: 'rev1',
      title: 'Yank terraform-aws-vpc 1.5.0',
      resource: {
        ...record,
        spec: { ...record.spec, yanked: 'leaks credentials' },
      },
    });
  });

  it('says why a deprecation cannot be opened when the version file cannot be read', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValue(moduleDetail());
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockRejectedValue(new Error('file not found'));
    renderPage(api, gitopsApi);
    fireEvent.click(await screen.findByLabelText('Deprecate 1.5.0'));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/^Reason/), {
      target: { value: 'use 1.6' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'file not found',
    );
    expect(gitopsApi.openChange).not.toHaveBeenCalled();
  });
});
