/*
 * Helm chart packages: from a git source, the chart folder packaged deterministically (the
 * files under `<chart name>/`, as `helm package` lays them out); from an archive URL, the bytes
 * fetched and checked against the pinned sha256. A mismatch is an error and nothing is cached.
 */
import YAML from 'yaml';
import type { ArtifactVersionRecord } from '@butler-portal/plugin-registry-common';
import {
  deterministicTarGz,
  sha256Digest,
} from '../archive/deterministicTarGz';
import { readTarGz } from '../archive/readTarGz';
import { RegistryError } from '../errors';
import type { SourceReader } from '../sources/SourceReader';

export interface ChartPackage {
  bytes?: Buffer;
  digest: string;
  /** Chart.yaml, when Keeper has read it */
  chart?: Record<string, unknown>;
  /** values.yaml text */
  values?: string;
  commit?: string;
}

const MAX_ARCHIVE_BYTES = 20 * 1024 * 1024;

function parseChartYaml(text: string, where: string): Record<string, unknown> {
  let chart: unknown;
  try {
    chart = YAML.parse(text);
  } catch (error) {
    throw new RegistryError(
      502,
      `${where}: Chart.yaml is not YAML: ${(error as Error).message}`,
    );
  }
  if (!chart || typeof chart !== 'object' || Array.isArray(chart)) {
    throw new RegistryError(502, `${where}: Chart.yaml is not a mapping`);
  }
  return chart as Record<string, unknown>;
}

function checkChart(
  chart: Record<string, unknown>,
  record: ArtifactVersionRecord,
  where: string,
) {
  if (chart.name !== record.spec.artifact) {
    throw new RegistryError(
      502,
      `${where}: Chart.yaml name is ${JSON.stringify(
        chart.name,
      )}, the artifact is ${record.spec.artifact}`,
    );
  }
  if (String(chart.version) !== record.spec.version) {
    throw new RegistryError(
      502,
      `${where}: Chart.yaml version is ${JSON.stringify(
        chart.version,
      )}, the record says ${record.spec.version}`,
    );
  }
}

export async function packageGitChart(
  sources: SourceReader,
  record: ArtifactVersionRecord,
): Promise<ChartPackage> {
  const git = (record.spec.source as { git: any }).git;
  const content = await sources.read(git);
  const where = `${content.repository}@${content.commit}${
    git.subdirectory ? `:${git.subdirectory}` : ''
  }`;
  const chartFile = content.files.find(f => f.path === 'Chart.yaml');
  if (!chartFile) {
    throw new RegistryError(502, `${where}: there is no Chart.yaml`);
  }
  const chart = parseChartYaml(chartFile.content.toString('utf8'), where);
  checkChart(chart, record, where);
  const bytes = await deterministicTarGz(
    content.files.map(f => ({
      path: `${record.spec.artifact}/${f.path}`,
      content: f.content,
    })),
  );
  return {
    bytes,
    digest: sha256Digest(bytes),
    chart,
    values: content.files
      .find(f => f.path === 'values.yaml')
      ?.content.toString('utf8'),
    commit: content.commit,
  };
}

/** Fetches a chart archive and checks it against the pinned digest. */
export async function fetchChartArchive(
  url: string,
  digest: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Buffer> {
  if (!/^https?:\/\//.test(url)) {
    throw new RegistryError(
      502,
      `the chart source ${url} is not an http(s) archive URL; Keeper does not fetch OCI charts`,
    );
  }
  let response: Response;
  try {
    response = await fetchImpl(url, { redirect: 'follow' });
  } catch (error) {
    throw new RegistryError(
      502,
      `fetching ${url} failed: ${(error as Error).message}`,
    );
  }
  if (!response.ok) {
    throw new RegistryError(502, `fetching ${url} answered ${response.status}`);
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_ARCHIVE_BYTES) {
    throw new RegistryError(
      502,
      `${url} is larger than ${MAX_ARCHIVE_BYTES} bytes`,
    );
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_ARCHIVE_BYTES) {
    throw new RegistryError(
      502,
      `${url} is larger than ${MAX_ARCHIVE_BYTES} bytes`,
    );
  }
  const actual = sha256Digest(bytes);
  if (actual !== digest) {
    throw new RegistryError(
      502,
      `the archive at ${url} has digest ${actual}, but the version pins ${digest}; nothing is served`,
    );
  }
  return bytes;
}

/** Chart.yaml and values.yaml of a fetched archive. */
export async function chartOfArchive(
  bytes: Buffer,
): Promise<{ chart?: Record<string, unknown>; values?: string }> {
  const entries = await readTarGz(bytes, MAX_ARCHIVE_BYTES * 4);
  const chartFile = entries.find(e => /^[^/]+\/Chart\.yaml$/.test(e.path));
  const valuesFile = entries.find(e => /^[^/]+\/values\.yaml$/.test(e.path));
  return {
    ...(chartFile && {
      chart: parseChartYaml(
        chartFile.content.toString('utf8'),
        'chart archive',
      ),
    }),
    ...(valuesFile && { values: valuesFile.content.toString('utf8') }),
  };
}
