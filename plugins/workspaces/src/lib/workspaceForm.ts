/*
 * The create form's values, the Workspace object they stand for, and the problems with it.
 * Validation is gitops-common's `validate()` on the YAML the change would add — the very check
 * the backend runs on the change — plus the template's size limits, which only the form knows.
 */
import {
  describePointer,
  looksLikePrivateKey,
  stringifyResource,
  validate,
  type GitOpsResource,
} from '@butler-portal/plugin-gitops-common';
import { exceeds } from './quantity';
import { TEMPLATE_KEY, templateRef, type TemplateInfo } from './templates';

export const WORKSPACE_API_VERSION = 'butler.butlerlabs.dev/v1alpha1';

export interface RepositoryRow {
  url: string;
  branch: string;
}

export interface WorkspaceFormValues {
  name: string;
  namespace: string;
  /** `<namespace>/<name>` of the WorkspaceTemplate */
  template: string;
  cluster: string;
  cpu: string;
  memory: string;
  storageSize: string;
  repositories: RepositoryRow[];
  dotfilesUrl: string;
  idleTimeout: string;
  autoStopAfter: string;
  /** one public key per line */
  sshPublicKeys: string;
}

/** Form fields an issue can be shown at; `form` for the rest. */
export type FieldName =
  | Exclude<keyof WorkspaceFormValues, 'repositories'>
  | `repositories.${number}.url`
  | `repositories.${number}.branch`
  | 'form';

export type FieldErrors = Partial<Record<FieldName, string>>;

export function emptyForm(defaults: Partial<WorkspaceFormValues> = {}) {
  return {
    name: '',
    namespace: '',
    template: '',
    cluster: '',
    cpu: '',
    memory: '',
    storageSize: '',
    repositories: [],
    dotfilesUrl: '',
    idleTimeout: '',
    autoStopAfter: '',
    sshPublicKeys: '',
    ...defaults,
  } satisfies WorkspaceFormValues;
}

/** The form's values after picking a template: its sizes, repositories and dotfiles. */
export function applyTemplate(
  values: WorkspaceFormValues,
  template: TemplateInfo,
): WorkspaceFormValues {
  const { defaults } = template;
  return {
    ...values,
    template: `${template.namespace}/${template.name}`,
    // a team's template is for workspaces in that team's namespace
    namespace:
      values.namespace || (template.scope === 'team' ? template.namespace : ''),
    cpu: defaults.cpu ?? '',
    memory: defaults.memory ?? '',
    storageSize: defaults.storageSize ?? '',
    repositories: defaults.repositories.map(r => ({
      url: r.url,
      branch: r.branch ?? '',
    })),
    dotfilesUrl: defaults.dotfilesUrl ?? '',
  };
}

export const splitKeys = (text: string) =>
  text
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(Boolean);

const optional = (value: string) => value.trim() || undefined;

/** `spec.repositories` of the rows that have a URL (a row without one is an unused row). */
export function repositoriesOf(rows: RepositoryRow[]) {
  return rows
    .filter(r => r.url.trim())
    .map(r => ({
      url: r.url.trim(),
      ...(optional(r.branch) ? { branch: r.branch.trim() } : {}),
    }));
}

/** The Workspace the form stands for, as it will be written to Git. */
export function buildWorkspace(
  values: WorkspaceFormValues,
  template: TemplateInfo | undefined,
  owner: string,
): GitOpsResource {
  const repositories = repositoriesOf(values.repositories);
  const keys = splitKeys(values.sshPublicKeys);
  const resources = {
    ...(optional(values.cpu) ? { cpu: values.cpu.trim() } : {}),
    ...(optional(values.memory) ? { memory: values.memory.trim() } : {}),
  };
  const spec: Record<string, unknown> = {
    clusterRef: { name: values.cluster.trim() },
    image: template?.image ?? '',
    owner,
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    ...(optional(values.storageSize)
      ? { storageSize: values.storageSize.trim() }
      : {}),
    ...(repositories.length > 0 ? { repositories } : {}),
    ...(optional(values.dotfilesUrl)
      ? { dotfiles: { url: values.dotfilesUrl.trim() } }
      : {}),
    ...(optional(values.idleTimeout)
      ? { idleTimeout: values.idleTimeout.trim() }
      : {}),
    ...(optional(values.autoStopAfter)
      ? { autoStopAfter: values.autoStopAfter.trim() }
      : {}),
    ...(keys.length > 0 ? { sshPublicKeys: keys } : {}),
  };
  return {
    apiVersion: WORKSPACE_API_VERSION,
    kind: 'Workspace',
    metadata: {
      name: values.name.trim(),
      namespace: values.namespace.trim(),
      ...(template
        ? { annotations: { [TEMPLATE_KEY]: templateRef(template) } }
        : {}),
    },
    spec,
  };
}

/** The form field a JSON Pointer of the Workspace belongs to. */
export function fieldOf(pointer: string): FieldName {
  const simple: Record<string, FieldName> = {
    '/metadata/name': 'name',
    '/metadata/namespace': 'namespace',
    '/spec/resources/cpu': 'cpu',
    '/spec/resources/memory': 'memory',
    '/spec/storageSize': 'storageSize',
    '/spec/idleTimeout': 'idleTimeout',
    '/spec/autoStopAfter': 'autoStopAfter',
    '/spec/image': 'template',
  };
  if (simple[pointer]) return simple[pointer];
  if (pointer.startsWith('/spec/clusterRef')) return 'cluster';
  if (pointer.startsWith('/spec/dotfiles')) return 'dotfilesUrl';
  if (pointer.startsWith('/spec/sshPublicKeys')) return 'sshPublicKeys';
  const repo = /^\/spec\/repositories\/(\d+)(?:\/(url|branch))?/.exec(pointer);
  if (repo) {
    return `repositories.${Number(repo[1])}.${
      (repo[2] ?? 'url') as 'url' | 'branch'
    }`;
  }
  return 'form';
}

/** The message of an issue without the field name the form already shows as the label. */
function fieldMessage(issue: { path: string; message: string }): string {
  const prefix = `${describePointer(issue.path)}: `;
  return issue.message.startsWith(prefix)
    ? issue.message.slice(prefix.length)
    : issue.message;
}

/** Validation issues (from `validate()` or a 400 of the backend) by form field. */
export function issueErrors(
  issues: readonly { path: string; message: string }[],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    const message = fieldMessage(issue);
    errors[field] = errors[field] ? `${errors[field]}; ${message}` : message;
  }
  return errors;
}

/**
 * An issue's message as a form shows it at its field: without the field name (the label shows
 * it), and for a key, which key — `keyLines` are the keys as sent, one per line of the field.
 */
export function fieldIssueMessage(
  issue: { path: string; message: string },
  keyLines: readonly string[],
): string {
  const message = fieldMessage(issue);
  const keyIndex = /^\/spec\/sshPublicKeys\/(\d+)$/.exec(issue.path);
  if (!keyIndex) return message;
  const line = keyLines[Number(keyIndex[1])] ?? '';
  return `key ${Number(keyIndex[1]) + 1} (${line.slice(0, 24)}…): ${message}`;
}

export const PRIVATE_KEY_MESSAGE =
  'This is a private key. Paste the public key instead (the .pub file, e.g. ~/.ssh/id_ed25519.pub); a private key must never leave your machine, so it was not kept.';

/**
 * Every problem with the form, by field: the same `validate()` the backend runs on the change,
 * the template's limits, and a private key pasted where a public one belongs.
 */
export function validateForm(
  values: WorkspaceFormValues,
  template: TemplateInfo | undefined,
  owner: string,
): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: FieldName, message: string) => {
    errors[field] = errors[field] ? `${errors[field]}; ${message}` : message;
  };
  if (!template) add('template', 'choose a template');
  if (!values.cluster.trim()) add('cluster', 'required: the cluster to run in');
  if (!values.name.trim()) add('name', 'required');
  if (!values.namespace.trim()) add('namespace', 'required');

  // the schema only sees one line at a time; a PEM split over lines must be caught whole
  if (looksLikePrivateKey(values.sshPublicKeys)) {
    add('sshPublicKeys', PRIVATE_KEY_MESSAGE);
  }
  const resource = buildWorkspace(
    looksLikePrivateKey(values.sshPublicKeys)
      ? { ...values, sshPublicKeys: '' }
      : values,
    template,
    owner,
  );
  const result = validate(stringifyResource(resource as any));
  const keyLines = splitKeys(values.sshPublicKeys);
  for (const issue of result.issues) {
    const field = fieldOf(issue.path);
    if (errors[field] && field !== 'sshPublicKeys' && field !== 'form')
      continue;
    let message = fieldIssueMessage(issue, keyLines);
    if (field === 'form' && issue.path === '/spec/owner') {
      message = `owner: ${message} (your catalog profile has no usable email)`;
    }
    add(field, message);
  }

  if (template) {
    const limits: [FieldName, string, string | undefined][] = [
      ['cpu', values.cpu, template.limits.cpu],
      ['memory', values.memory, template.limits.memory],
      ['storageSize', values.storageSize, template.limits.storageSize],
    ];
    for (const [field, value, max] of limits) {
      if (!errors[field] && exceeds(value.trim(), max)) {
        add(field, `at most ${max} with template ${template.displayName}`);
      }
    }
  }
  return errors;
}
