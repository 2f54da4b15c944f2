import { terraformAddress, usageSnippets } from './usage';

describe('terraformAddress', () => {
  it('follows terraform-<system>-<name>', () => {
    expect(terraformAddress('terraform-aws-vpc')).toEqual({
      system: 'aws',
      name: 'vpc',
    });
    expect(terraformAddress('terraform-google-gke-cluster')).toEqual({
      system: 'google',
      name: 'gke-cluster',
    });
    expect(terraformAddress('network')).toEqual({
      name: 'network',
      system: 'generic',
    });
  });
});

describe('usageSnippets', () => {
  const registryBaseUrl = 'https://portal.example.com/api/registry';

  it('gives Terraform and OpenTofu a module block with the registry host', () => {
    const [terraform, tofu] = usageSnippets({
      registryBaseUrl,
      type: 'terraform-module',
      namespace: 'team-a',
      name: 'terraform-aws-vpc',
      version: '1.5.0',
    });
    expect(terraform.code).toBe(
      'module "vpc" {\n  source  = "portal.example.com/team-a/vpc/aws"\n  version = "1.5.0"\n}',
    );
    expect(tofu).toMatchObject({ client: 'opentofu', code: terraform.code });
  });

  it('gives helm the namespace repository', () => {
    const [helm] = usageSnippets({
      registryBaseUrl: `${registryBaseUrl}/`,
      type: 'helm-chart',
      namespace: 'team-a',
      name: 'web-app',
      version: '0.1.0',
    });
    expect(helm.code).toContain(
      'helm repo add team-a https://portal.example.com/api/registry/helm/team-a',
    );
    expect(helm.code).toContain(
      'helm install web-app team-a/web-app --version 0.1.0',
    );
  });

  it('gives OPA a bundle service configuration', () => {
    const [opa] = usageSnippets({
      registryBaseUrl,
      type: 'opa-bundle',
      namespace: 'team-a',
      name: 'baseline',
    });
    expect(opa.code).toContain(
      'url: https://portal.example.com/api/registry/opa',
    );
    expect(opa.code).toContain('resource: bundles/team-a/baseline');
  });
});
