import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import {
  createLocalRepository,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import type { GitProvider } from '@butler-portal/plugin-gitops-node';
import { readTarGz } from '../archive/readTarGz';
import { sha256Digest } from '../archive/deterministicTarGz';
import { GitSourceReader } from './SourceReader';

/** every byte value, which is not valid UTF-8 (0x80–0xFF alone) */
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const MAIN_TF = 'variable "name" {}\n# café\n';

afterAll(removeTempDirs);

async function localSource() {
  const { dir } = await createLocalRepository({
    'modules/vpc/main.tf': MAIN_TF,
    'modules/vpc/logo.bin': BINARY,
  });
  const provider = new LocalGitProvider({ repository: 'platform', dir });
  return { provider, commit: await provider.head() };
}

function readerOf(provider: GitProvider) {
  return new GitSourceReader({
    provider: id => (id === 'platform' ? provider : undefined),
    repositoryIds: () => ['platform'],
  });
}

const source = (commit: string) => ({
  url: 'https://git.example.com/platform.git',
  repository: 'platform',
  ref: 'main',
  commit,
  subdirectory: 'modules/vpc',
});

describe('GitSourceReader', () => {
  it('archives a binary file of a local source with exactly its bytes', async () => {
    const { provider, commit } = await localSource();
    const content = await readerOf(provider).read(source(commit));

    const byPath = new Map(content.files.map(f => [f.path, f.content]));
    expect(byPath.get('logo.bin')).toEqual(BINARY);
    expect(byPath.get('main.tf')?.toString('utf8')).toBe(MAIN_TF);

    const unpacked = new Map(
      (await readTarGz(content.archive)).map(e => [e.path, e.content]),
    );
    expect(unpacked.get('logo.bin')).toEqual(BINARY);
    expect(unpacked.get('main.tf')).toEqual(Buffer.from(MAIN_TF, 'utf8'));
    expect(content.digest).toBe(sha256Digest(content.archive));
  });

  it('falls back to text for a provider without bytes reads, which is lossy for binary files', async () => {
    const { provider, commit } = await localSource();
    // a provider that reads text only (its other methods are not used by the reader)
    const textOnly = {
      repository: provider.repository,
      type: provider.type,
      head: (branch?: string) => provider.head(branch),
      listTree: (ref?: string, prefix?: string) =>
        provider.listTree(ref, prefix),
      readFile: (path: string, ref?: string) => provider.readFile(path, ref),
    } as Partial<GitProvider> as GitProvider;
    const content = await readerOf(textOnly).read(source(commit));
    const byPath = new Map(content.files.map(f => [f.path, f.content]));
    expect(byPath.get('main.tf')?.toString('utf8')).toBe(MAIN_TF);
    // the replacement characters of the UTF-8 decoding: why providers offer readFileBytes
    expect(byPath.get('logo.bin')).not.toEqual(BINARY);
    const bytesDigest = (await readerOf(provider).read(source(commit))).digest;
    expect(content.digest).not.toBe(bytesDigest);
  });
});
