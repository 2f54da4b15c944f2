/*
 * The software templates in templates/: each parses, uses only actions the portal's backend
 * has, and gives our actions inputs their own zod schemas accept once rendered the way the
 * scaffolder renders them (nunjitsu, the scaffolder's template engine) with sample parameters.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTemplateRenderer, type TemplateContext } from 'nunjitsu';
import { parse } from 'yaml';
import { z } from 'zod/v3';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import {
  GITOPS_CHANGE_ACTION_ID,
  gitopsChangeInputSchema,
} from './actions/gitopsChange';
import {
  createLayoutFetchAction,
  LAYOUT_FETCH_ACTION_ID,
  layoutFetchInputSchema,
} from './actions/layoutFetch';
import {
  buildPipeline,
  PIPELINE_CREATE_ACTION_ID,
  pipelineCreateInputSchema,
} from './actions/pipelineCreate';
import { validatePipeline } from '@butler-portal/plugin-pipeline-common';
import { resourcePath, stringifyResource } from '@butler-portal/plugin-gitops-common';
import {
  WORKSPACE_CREATE_ACTION_ID,
  workspaceCreateInputSchema,
} from './actions/workspaceCreate';
import { ED25519_KEY } from './__testUtils__/sshKeys';

const REPO_ROOT = resolve(__dirname, '../../..');
const TEMPLATES_DIR = join(REPO_ROOT, 'templates');

const OUR_ACTIONS: Record<string, z.ZodTypeAny> = {
  [GITOPS_CHANGE_ACTION_ID]: gitopsChangeInputSchema(z),
  [WORKSPACE_CREATE_ACTION_ID]: workspaceCreateInputSchema(z),
  [LAYOUT_FETCH_ACTION_ID]: layoutFetchInputSchema(z),
  [PIPELINE_CREATE_ACTION_ID]: pipelineCreateInputSchema(z),
};

// built into @backstage/plugin-scaffolder-backend, and the GitHub module the backend adds
const BUILT_IN_ACTIONS = new Set([
  'fetch:plain',
  'fetch:plain:file',
  'fetch:template',
  'fetch:template:file',
  'catalog:register',
  'catalog:write',
  'catalog:fetch',
  'debug:log',
  'debug:wait',
  'fs:delete',
  'fs:rename',
  'fs:readdir',
  'publish:github',
  'publish:github:pull-request',
  'github:actions:dispatch',
  'github:webhook',
  'github:issues:label',
  'github:repo:create',
  'github:repo:push',
  'github:environment:create',
  'github:deployKey:create',
  'github:autolinks:create',
  'github:branch-protection:create',
]);

/** Sample form answers per template: the least a user must fill in, and everything. */
const SAMPLES: Record<string, Record<string, Record<string, unknown>>> = {
  'create-workspace': {
    minimal: {
      name: 'jane-dev',
      namespace: 'team-a',
      template: 'go-dev',
      cluster: 'team-a-dev',
    },
    full: {
      name: 'jane-dev',
      namespace: 'team-a',
      template: 'butler-system/base',
      cluster: 'team-a-dev',
      owner: 'jane@example.com',
      cpu: '4',
      memory: '8Gi',
      storageSize: '50Gi',
      repositories: [
        {
          url: 'https://github.com/example-org/payments-api.git',
          branch: 'dev',
        },
        { url: 'git@github.com:example-org/web.git', name: 'web' },
      ],
      dotfilesUrl: 'https://github.com/jane/dotfiles.git',
      dotfilesInstallCommand: './install.sh',
      sshPublicKeys: [ED25519_KEY],
      idleTimeout: '2h',
      autoStopAfter: '0',
    },
  },
  'create-pipeline': {
    minimal: { name: 'app-logs', namespace: 'team-a', starter: 'kubernetes-logs-to-loki' },
    otlp: {
      name: 'otel',
      namespace: 'team-a',
      owner: 'group:default/team-a',
      description: 'OTLP of the team',
      starter: 'otlp-to-tempo-mimir',
      tempoUri: 'http://tempo.example:4318/v1/traces',
      mimirUri: 'http://mimir.example:8080/otlp/v1/metrics',
    },
    host: {
      name: 'host',
      namespace: 'team-a',
      starter: 'host-metrics-to-prometheus',
      prometheusEndpoint: 'http://prometheus.example:9090/api/v1/write',
    },
  },
  'bootstrap-gitops-repo': {
    minimal: {
      layout: 'workspaces',
      id: 'team-workspaces',
      repoUrl: 'github.com?owner=example-org&repo=butler-workspaces',
    },
  },
};

const templateNames = readdirSync(TEMPLATES_DIR, { withFileTypes: true })
  .filter(entry => entry.isDirectory())
  .map(entry => entry.name)
  .sort();

function loadTemplate(name: string) {
  return parse(
    readFileSync(join(TEMPLATES_DIR, name, 'template.yaml'), 'utf8'),
  );
}

/** Renders a step's input as NunjucksWorkflowRunner does: every string, in place. */
function renderInput(input: unknown, parameters: Record<string, unknown>) {
  const renderer = createTemplateRenderer({
    allowRegexExecution: true,
    filters: {},
    globals: {},
  });
  return JSON.parse(JSON.stringify(input), (_key, value) =>
    typeof value === 'string'
      ? renderer.renderValue(value, {
          parameters,
          steps: {},
          user: {},
        } as TemplateContext)
      : value,
  );
}

/** Every `parameters.<name>` a template refers to. */
function referencedParameters(template: unknown): string[] {
  const text = JSON.stringify(template);
  return [...new Set([...text.matchAll(/parameters\.(\w+)/g)].map(m => m[1]))];
}

function declaredParameters(template: any): string[] {
  const pages = Array.isArray(template.spec.parameters)
    ? template.spec.parameters
    : [template.spec.parameters];
  return pages.flatMap((page: any) => Object.keys(page.properties ?? {}));
}

/** The texts the scaffolder's form shows as markdown: the template's and every field's. */
function formTexts(template: any): string[] {
  const texts: string[] = [template.metadata.description ?? ''];
  JSON.stringify(template.spec.parameters, (key, value) => {
    if (key === 'description' && typeof value === 'string') texts.push(value);
    return value;
  });
  return texts;
}

describe('templates/', () => {
  it('has the templates this package documents', () => {
    expect(templateNames).toEqual([
      'bootstrap-gitops-repo',
      'create-pipeline',
      'create-workspace',
    ]);
  });

  describe.each(templateNames)('%s', name => {
    const template = loadTemplate(name);

    it('is a v1beta3 Template named after its folder, with sample parameters here', () => {
      expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
      expect(template.kind).toBe('Template');
      expect(template.metadata.name).toBe(name);
      expect(template.spec.steps.length).toBeGreaterThan(0);
      expect(Object.keys(SAMPLES[name] ?? {})).not.toEqual([]);
    });

    it('uses only our actions and known built-in ones', () => {
      const unknown = template.spec.steps
        .map((step: any) => step.action)
        .filter(
          (id: string) => !(id in OUR_ACTIONS) && !BUILT_IN_ACTIONS.has(id),
        );
      expect(unknown).toEqual([]);
    });

    it('refers only to parameters it declares', () => {
      const declared = declaredParameters(template);
      expect(
        referencedParameters(template).filter(p => !declared.includes(p)),
      ).toEqual([]);
    });

    it('shows no <placeholder> the form would drop: descriptions are markdown', () => {
      // outside a code span, `<name>` is an HTML tag to the form's markdown and vanishes
      const dropped = formTexts(template).filter(text =>
        /<[^>\s]+>/.test(text.replace(/`[^`]*`/g, '')),
      );
      expect(dropped).toEqual([]);
    });

    it.each(Object.entries(SAMPLES[name] ?? {}))(
      'gives our actions inputs their schema accepts (%s sample)',
      (_sample, parameters) => {
        for (const step of template.spec.steps) {
          const schema = OUR_ACTIONS[step.action];
          if (!schema) continue;
          const result = schema.safeParse(renderInput(step.input, parameters));
          expect({ step: step.id, issues: result.error?.issues ?? [] }).toEqual(
            {
              step: step.id,
              issues: [],
            },
          );
        }
      },
    );
  });

  describe('create-workspace', () => {
    const steps = loadTemplate('create-workspace').spec.steps;

    it('passes every field, leaving out what the user did not fill in', () => {
      const rendered = renderInput(
        steps[0].input,
        SAMPLES['create-workspace'].minimal,
      );
      expect(rendered).toEqual({
        name: 'jane-dev',
        namespace: 'team-a',
        template: 'go-dev',
        clusterRef: 'team-a-dev',
      });
    });

    it('groups the dotfiles fields into one object', () => {
      const rendered = renderInput(
        steps[0].input,
        SAMPLES['create-workspace'].full,
      );
      expect(rendered.dotfiles).toEqual({
        url: 'https://github.com/jane/dotfiles.git',
        installCommand: './install.sh',
      });
      expect(rendered.repositories).toHaveLength(2);
    });
  });

  describe('create-pipeline', () => {
    const template = loadTemplate('create-pipeline');
    // the defaults the form fills in when the user leaves the destinations alone
    const defaults = Object.fromEntries(
      template.spec.parameters.flatMap((page: any) =>
        Object.entries(page.properties)
          .filter(([, p]: [string, any]) => p.default !== undefined)
          .map(([k, p]: [string, any]) => [k, p.default]),
      ),
    );

    it.each(Object.entries(SAMPLES['create-pipeline']))(
      'runs exactly one step for the %s sample, a pipeline the Herald rules accept without warning',
      (_sample, answers) => {
        const parameters = { ...defaults, ...answers };
        const chosen = template.spec.steps.filter(
          (step: any) => renderInput(step.if, parameters) === true || renderInput(step.if, parameters) === 'true',
        );
        expect(chosen).toHaveLength(1);
        const input = pipelineCreateInputSchema(z).parse(renderInput(chosen[0].input, parameters));
        const text = stringifyResource(buildPipeline(input, input.owner ?? 'user:default/jane'));
        const result = validatePipeline(text, {
          file: resourcePath({ kind: 'Pipeline', namespace: input.namespace, name: input.name }),
        });
        expect([...result.errors, ...result.warnings].map(i => i.message)).toEqual([]);
      },
    );

    it("keeps Vector's own {{ }} templates (the scaffolder only renders ${{ }})", () => {
      const step = template.spec.steps.find((s: any) => s.id === 'pipeline-loki');
      const input = renderInput(step.input, { ...defaults, ...SAMPLES['create-pipeline'].minimal });
      expect(input.sinks.loki.options.labels).toEqual({
        namespace: '{{ kubernetes.pod_namespace }}',
        app: '{{ kubernetes.pod_labels.app }}',
      });
    });
  });

  describe('bootstrap-gitops-repo', () => {
    it.each(['workspaces', 'registry', 'pipelines', 'platform'])(
      'outputs a gitops.repositories entry holding the kinds of the %s layout',
      layout => {
        const template = loadTemplate('bootstrap-gitops-repo');
        const renderer = createTemplateRenderer({
          filters: {
            // the scaffolder's parseRepoUrl, for the RepoUrlPicker's github.com?owner=&repo=
            parseRepoUrl: (value: unknown) => {
              const url = new URL(`https://${String(value)}`);
              return {
                host: url.host,
                owner: url.searchParams.get('owner'),
                repo: url.searchParams.get('repo'),
              };
            },
          },
          globals: {},
        });
        const text = renderer.renderValue(
          template.spec.output.text[0].content,
          {
            parameters: {
              ...SAMPLES['bootstrap-gitops-repo'].minimal,
              layout,
            },
            steps: {
              publish: { output: { remoteUrl: 'https://github.com/x/y' } },
            },
          } as TemplateContext,
        ) as string;
        const snippet = parse(/```yaml\n([\s\S]*?)```/.exec(text)![1]);
        // the kinds whose folders the layout has
        const folders = readdirSync(join(REPO_ROOT, 'repo-layouts', layout));
        const kinds = KINDS.filter(k => folders.includes(k.folder)).map(
          k => k.kind,
        );

        expect(snippet).toEqual({
          gitops: {
            repositories: [
              {
                id: 'team-workspaces',
                provider: 'github',
                host: 'github.com',
                owner: 'example-org',
                repo: 'butler-workspaces',
                kinds,
                webhookSecret: '${GITHUB_WEBHOOK_SECRET}',
              },
            ],
          },
        });
        expect(text).toContain(
          '`<backend>/api/gitops/webhooks/team-workspaces`',
        );
      },
    );

    const template = loadTemplate('bootstrap-gitops-repo');
    const fetchStep = template.spec.steps.find(
      (s: any) => s.action === LAYOUT_FETCH_ACTION_ID,
    );
    const layouts = template.spec.parameters[0].properties.layout.enum;

    it('offers every layout of repo-layouts/', () => {
      // repo-layouts/modules holds Keeper's example sources, not a GitOps repository
      const sourceLayouts = ['modules'];
      const onDisk = readdirSync(join(REPO_ROOT, 'repo-layouts'), {
        withFileTypes: true,
      })
        .filter(e => e.isDirectory() && !sourceLayouts.includes(e.name))
        .map(e => e.name)
        .sort();
      expect([...layouts].sort()).toEqual(onDisk);
    });

    it.each(layouts as string[])(
      'copies the %s layout unchanged into the new repository',
      async layout => {
        const mockDir = createMockDirectory();
        const action = createLayoutFetchAction({
          layoutsDir: join(REPO_ROOT, 'repo-layouts'),
        });
        const ctx = createMockActionContext({
          input: renderInput(fetchStep.input, { layout }),
          workspacePath: mockDir.resolve('workspace'),
        });

        await action.handler(ctx as any);

        const source = join(REPO_ROOT, 'repo-layouts', layout);
        const files = listFiles(source);
        expect(files).toContain('CODEOWNERS');
        expect(listFiles(mockDir.resolve('workspace')).sort()).toEqual(
          [...files].sort(),
        );
        for (const file of files) {
          // byte for byte: GitHub's ${{ }} and Vector's {{ }} must survive
          expect({
            file,
            text: readFileSync(
              join(mockDir.resolve('workspace'), file),
              'utf8',
            ),
          }).toEqual({ file, text: readFileSync(join(source, file), 'utf8') });
        }
      },
    );
  });
});

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap(
    entry =>
      entry.isDirectory()
        ? listFiles(dir, join(prefix, entry.name))
        : [join(prefix, entry.name)],
  );
}
