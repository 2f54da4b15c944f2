import type {
  ArtifactDetailResponse,
  ArtifactSummary,
  VersionInfo,
} from '@butler-portal/plugin-registry-common';
import type { RegistryApi } from '../api';

export function mockRegistryApi(): jest.Mocked<RegistryApi> {
  return {
    listArtifacts: jest.fn(),
    getArtifact: jest.fn(),
    resolveRange: jest.fn(),
    resolveSourceRef: jest.fn(),
    listTokens: jest.fn().mockResolvedValue([]),
    createToken: jest.fn(),
    revokeToken: jest.fn().mockResolvedValue(undefined),
  };
}

export function aVersion(
  version: string,
  patch: Partial<VersionInfo> = {},
): VersionInfo {
  return {
    version,
    state: 'merged',
    sourceType: 'git',
    commit: '0123456789abcdef0123456789abcdef01234567',
    file: `artifact-versions/team-a/x-${version}.yaml`,
    ...patch,
  };
}

export function anArtifact(
  patch: Partial<ArtifactSummary> = {},
): ArtifactSummary {
  return {
    namespace: 'team-a',
    name: 'terraform-aws-vpc',
    type: 'terraform-module',
    owner: 'group:default/platform',
    title: 'AWS VPC',
    description: 'A VPC with public and private subnets',
    tags: ['network'],
    dependencies: [],
    versions: [aVersion('1.5.0'), aVersion('1.4.0')],
    latest: '1.5.0',
    file: 'artifacts/team-a/terraform-aws-vpc.yaml',
    ...patch,
  };
}

export function aDetail(
  patch: Partial<ArtifactDetailResponse> = {},
): ArtifactDetailResponse {
  return {
    revision: 'abc',
    artifact: anArtifact(),
    dependencies: [],
    usedBy: [],
    usage: [],
    ...patch,
  };
}
