/*
 * Copy-paste usage of a version for each client, built from the portal's external base URL.
 * The Terraform module address is <host>/<namespace>/<name>/<system> (terraformAddress).
 */
import type { ArtifactType, UsageSnippet } from './types';

export interface UsageInput {
  /** external base URL of the registry plugin, e.g. https://portal.example.com/api/registry */
  registryBaseUrl: string;
  type: ArtifactType;
  namespace: string;
  name: string;
  version?: string;
}

/**
 * The Terraform registry address parts of an artifact: `terraform-<system>-<name>` (HashiCorp's
 * repository naming convention) maps to name/system; any other name to `<name>/generic`.
 */
export function terraformAddress(artifact: string): {
  name: string;
  system: string;
} {
  const match = /^terraform-([a-z0-9]+)-([a-z0-9][-a-z0-9]*)$/.exec(artifact);
  return match
    ? { system: match[1], name: match[2] }
    : { name: artifact, system: 'generic' };
}

function hostOf(url: string): string {
  return new URL(url).host;
}

/** The snippets for one artifact (and version, when given). */
export function usageSnippets(input: UsageInput): UsageSnippet[] {
  const base = input.registryBaseUrl.replace(/\/+$/, '');
  const { namespace, name, version } = input;
  switch (input.type) {
    case 'terraform-module': {
      const address = terraformAddress(name);
      const source = `${hostOf(base)}/${namespace}/${address.name}/${
        address.system
      }`;
      const module = `module "${address.name.replace(
        /-/g,
        '_',
      )}" {\n  source  = "${source}"\n${
        version ? `  version = "${version}"\n` : ''
      }}`;
      return [
        {
          client: 'terraform',
          title: 'Terraform',
          language: 'hcl',
          code: module,
        },
        {
          client: 'opentofu',
          title: 'OpenTofu',
          language: 'hcl',
          code: module,
        },
      ];
    }
    case 'helm-chart':
      return [
        {
          client: 'helm',
          title: 'Helm',
          language: 'shell',
          code: [
            `helm repo add ${namespace} ${base}/helm/${namespace} --username <you> --password <registry token>`,
            `helm repo update ${namespace}`,
            `helm install ${name} ${namespace}/${name}${
              version ? ` --version ${version}` : ''
            }`,
          ].join('\n'),
        },
      ];
    case 'opa-bundle':
      return [
        {
          client: 'opa',
          title: 'OPA configuration',
          language: 'yaml',
          code: [
            'services:',
            '  keeper:',
            `    url: ${base}/opa`,
            '    credentials:',
            '      bearer:',
            '        token: <registry token>',
            'bundles:',
            `  ${name}:`,
            '    service: keeper',
            `    resource: bundles/${namespace}/${name}`,
            '    polling:',
            '      min_delay_seconds: 30',
            '      max_delay_seconds: 120',
          ].join('\n'),
        },
      ];
    default:
      return [];
  }
}
