/*
 * The registry REST API for the portal's Registry pages (JSON, Backstage credentials, every
 * route checked against a registry permission):
 *
 *   GET    /artifacts                         every artifact with its versions and their state
 *   GET    /artifacts/:ns/:name[?version=x]   one artifact, the content of a version, usage
 *   GET    /artifacts/:ns/:name/resolve?range the newest merged version in a semver range
 *   GET    /sources/resolve?source&ref        the commit a branch, tag or SHA of a source
 *                                             repository points at now (what publishing pins)
 *   GET    /tokens                            the caller's registry tokens (never the secret)
 *   POST   /tokens {name, namespaces}         a new token; the secret is in this answer only
 *   DELETE /tokens/:id                        revoke
 */
import express from 'express';
import Router from 'express-promise-router';
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  isDns1123Label,
  matchesGitopsResource,
  ownershipOf,
} from '@butler-portal/plugin-gitops-common';
import {
  createAuthorize,
  createResourceAuthorizer,
} from '@butler-portal/plugin-gitops-node';
import {
  registryReadPermission,
  registryTokenCreatePermission,
  registryTokenRevokePermission,
  rangeProblem,
  resolveRange,
  usageSnippets,
  versionProblem,
  type ArtifactDetailResponse,
  type ArtifactListResponse,
  type GitSource,
  type VersionContent,
} from '@butler-portal/plugin-registry-common';
import { terraformInterface } from '../content/terraformInterface';
import { RegistryError } from '../errors';
import {
  chartOfArchive,
  fetchChartArchive,
  packageGitChart,
} from '../protocols/helmCharts';
import { regoPackages } from '../protocols/opaBundle';
import {
  artifactSummary,
  isServed,
  latestServed,
  type ArtifactEntry,
  type VersionEntry,
} from '../records/RegistryIndex';
import type { Registry } from '../Registry';
import type { OpenVersion, OpenVersions } from '../records/OpenVersions';
import { withOpenVersions } from '../records/withOpenVersions';
import { dependentsOf, resolveDependencies } from '../records/dependencies';
import type { TokenStore } from '../tokens/TokenStore';

export interface RestRouterOptions {
  registry: Registry;
  openVersions: OpenVersions;
  tokens: TokenStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  baseUrl: () => Promise<string>;
  fetchImpl?: typeof fetch;
}

const MAX_TOKENS_NAMESPACES = 100;

export function restRouter(options: RestRouterOptions) {
  const { registry, tokens, httpAuth, permissions } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  // the portal's one permission check (403 naming the user and the permission); the token
  // permissions are decided per namespace, by the user's role in the namespace's team
  const check = createAuthorize({ permissions });
  const { authorizeResources, resourcePredicate } = createResourceAuthorizer({
    permissions,
  });
  async function authorize(
    req: express.Request,
    permission: typeof registryReadPermission,
  ) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await check(permission, credentials);
    return credentials.principal.userEntityRef;
  }
  /** the namespaces a token reaches, as the owning-team rule sees them */
  const onNamespaces = (
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    namespaces: readonly string[],
  ) =>
    authorizeResources(
      permission,
      credentials,
      namespaces.map(namespace => ownershipOf(null, { namespace })),
      matchesGitopsResource,
      r => `namespace ${r.namespace}`,
    );

  router.get('/artifacts', async (req, res) => {
    await authorize(req, registryReadPermission);
    const index = await registry.index();
    const merged = await registry.derived(index, 'rest:list', async () =>
      index.list().map(artifactSummary),
    );
    const { open, problem } = await openVersionsOf(options.openVersions);
    const answer: ArtifactListResponse = {
      revision: index.revision,
      items: merged.map(s => withOpenVersions(s, open)),
      problems: index.problems,
      ...(problem && { openChangesProblem: problem }),
    };
    res.json(answer);
  });

  router.get('/artifacts/:ns/:name', async (req, res) => {
    await authorize(req, registryReadPermission);
    const { ns, name } = req.params;
    if (!isDns1123Label(ns) || !isDns1123Label(name)) {
      throw new InputError('namespace and name are DNS-1123 labels');
    }
    const index = await registry.index();
    const entry = index.get(ns, name);
    if (!entry) throw new NotFoundError(`artifact ${ns}/${name} not found`);
    const requested = req.query.version;
    let version: VersionEntry | undefined;
    if (requested !== undefined) {
      const problem = versionProblem(requested);
      if (problem) throw new InputError(problem);
      version = entry.versions.find(v => v.version === requested);
      if (!version)
        throw new NotFoundError(`${ns}/${name} has no version ${requested}`);
    } else {
      version = latestServed(entry);
    }
    let content: VersionContent | undefined;
    let contentProblem: string | undefined;
    if (version && isServed(version)) {
      try {
        content = await registry.derived(
          index,
          `rest:content:${ns}/${name}@${version.version}`,
          () => readContent(registry, entry, version!, options.fetchImpl),
        );
      } catch (error) {
        contentProblem =
          error instanceof RegistryError ? error.message : String(error);
      }
    } else if (version) {
      contentProblem = `version ${version.version} is ${version.state}${
        version.reason ? `: ${version.reason}` : ''
      }`;
    }
    const { open, problem: openProblem } = await openVersionsOf(
      options.openVersions,
    );
    const answer: ArtifactDetailResponse = {
      revision: index.revision,
      artifact: withOpenVersions(artifactSummary(entry), open),
      ...(openProblem && { openChangesProblem: openProblem }),
      dependencies: resolveDependencies(index, entry),
      usedBy: dependentsOf(index, entry),
      ...(content && { content }),
      ...(contentProblem && { contentProblem }),
      usage: usageSnippets({
        registryBaseUrl: await options.baseUrl(),
        type: entry.located.record.spec.type,
        namespace: ns,
        name,
        version: version?.version,
      }),
    };
    res.json(answer);
  });

  // which merged version a range picks, as a client would: the newest served one in it
  router.get('/artifacts/:ns/:name/resolve', async (req, res) => {
    await authorize(req, registryReadPermission);
    const { ns, name } = req.params;
    if (!isDns1123Label(ns) || !isDns1123Label(name)) {
      throw new InputError('namespace and name are DNS-1123 labels');
    }
    const range = req.query.range;
    const problem = rangeProblem(range);
    if (problem) throw new InputError(`range: ${problem}`);
    const entry = (await registry.index()).get(ns, name);
    if (!entry) throw new NotFoundError(`artifact ${ns}/${name} not found`);
    const version = resolveRange(
      range as string,
      entry.versions.filter(isServed).map(v => v.version),
    );
    if (!version) {
      throw new NotFoundError(
        `no merged version of ${ns}/${name} is in ${JSON.stringify(range)}`,
      );
    }
    res.json({ range, version });
  });

  // the publish form and butler:registry:publish pin what this answers at submit time; only
  // the portal's configured repositories are asked (through their provider), never a free URL
  router.get('/sources/resolve', async (req, res) => {
    await authorize(req, registryReadPermission);
    const { source, ref } = req.query;
    if (typeof source !== 'string' || source.length === 0) {
      throw new InputError(
        'source: a repository id or git URL is required (one query parameter)',
      );
    }
    if (typeof ref !== 'string' || ref.length === 0) {
      throw new InputError(
        'ref: a branch, tag or full commit SHA is required (one query parameter)',
      );
    }
    if (!registry.sources.resolveRef) {
      throw new NotImplementedError('this registry cannot resolve refs');
    }
    const { repository, commit } = await registry.sources.resolveRef(
      source,
      ref,
    );
    res.json({ source, repository, ref, commit });
  });

  // one's own tokens, and the tokens one may revoke: every namespace they reach is of a team
  // where one is an admin (platform admins: all); never the secrets, which are not kept
  router.get('/tokens', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await check(registryReadPermission, credentials);
    const user = credentials.principal.userEntityRef;
    const mayRevoke = await resourcePredicate(
      registryTokenRevokePermission,
      credentials,
      matchesGitopsResource,
    );
    const items =
      mayRevoke.result === AuthorizeResult.DENY
        ? await tokens.list(user)
        : (await tokens.list()).filter(
            token =>
              token.owner === user ||
              mayRevoke.result === AuthorizeResult.ALLOW ||
              // every() of none is true: a row reaching no namespace is no team admin's
              (token.namespaces.length > 0 &&
                token.namespaces.every(namespace =>
                  mayRevoke(ownershipOf(null, { namespace })),
                )),
          );
    res.json({ items });
  });

  router.post('/tokens', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const user = credentials.principal.userEntityRef;
    // refused outright without a team where the role suffices, before the body is looked at
    await check(registryTokenCreatePermission, credentials, {
      anyResource: true,
    });
    const { name, namespaces } = req.body ?? {};
    if (
      typeof name !== 'string' ||
      name.trim().length === 0 ||
      name.length > 100
    ) {
      throw new InputError('name: a non-empty text of at most 100 characters');
    }
    if (
      !Array.isArray(namespaces) ||
      namespaces.length === 0 ||
      namespaces.length > MAX_TOKENS_NAMESPACES
    ) {
      throw new InputError(
        `namespaces: a list of 1 to ${MAX_TOKENS_NAMESPACES} namespaces`,
      );
    }
    namespaces.forEach((ns: unknown, i: number) => {
      if (!isDns1123Label(ns)) {
        throw new InputError(
          `namespaces[${i}]: ${JSON.stringify(ns)} is not a namespace`,
        );
      }
    });
    await onNamespaces(registryTokenCreatePermission, credentials, namespaces);
    res
      .status(201)
      .json(
        await tokens.create({ name: name.trim(), owner: user, namespaces }),
      );
  });

  router.delete('/tokens/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const token = await tokens.get(req.params.id);
    if (!token) throw new NotFoundError(`no registry token ${req.params.id}`);
    if (token.owner !== credentials.principal.userEntityRef) {
      // someone else's token: an admin of the team of every namespace it reaches; one that
      // reaches none (a corrupted row) is no team's: the policy must allow it outright
      if (token.namespaces.length === 0) {
        await check(registryTokenRevokePermission, credentials);
      }
      await onNamespaces(
        registryTokenRevokePermission,
        credentials,
        token.namespaces,
      );
    }
    await tokens.revoke(token.id);
    res.status(204).end();
  });

  return router;
}

/** open versions, or why they could not be read (the merged state is shown either way) */
async function openVersionsOf(
  openVersions: OpenVersions,
): Promise<{ open: OpenVersion[]; problem?: string }> {
  try {
    return { open: await openVersions.list() };
  } catch (error) {
    return {
      open: [],
      problem: `open change requests could not be read: ${
        (error as Error).message
      }`,
    };
  }
}

async function readContent(
  registry: Registry,
  entry: ArtifactEntry,
  version: VersionEntry,
  fetchImpl?: typeof fetch,
): Promise<VersionContent> {
  const record = version.located.record;
  const source = record.spec.source;
  if ('chart' in source) {
    const bytes = await fetchChartArchive(
      source.chart.url,
      source.chart.digest,
      fetchImpl,
    );
    const { chart, values } = await chartOfArchive(bytes);
    return {
      version: version.version,
      files: [],
      helm: { chart: chart ?? {}, ...(values !== undefined && { values }) },
    };
  }
  const content = await registry.sources.read(
    (source as { git: GitSource }).git,
  );
  const readme = content.files.find(f => /^readme(\.md)?$/i.test(f.path));
  const base: VersionContent = {
    version: version.version,
    files: content.files.map(f => f.path),
    ...(readme && { readme: readme.content.toString('utf8') }),
  };
  switch (entry.located.record.spec.type) {
    case 'terraform-module': {
      const { inputs, outputs } = await terraformInterface(content.files);
      return { ...base, terraform: { inputs, outputs } };
    }
    case 'helm-chart': {
      const pkg = await packageGitChart(registry.sources, record);
      return {
        ...base,
        helm: {
          chart: pkg.chart ?? {},
          ...(pkg.values !== undefined && { values: pkg.values }),
        },
      };
    }
    default:
      return { ...base, opa: { packages: regoPackages(content.files) } };
  }
}
