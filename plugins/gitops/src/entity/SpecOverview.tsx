/*
 * The spec of a GitOps entity as readable key/value rows, nested objects indented. The fields
 * people look for first (per kind) come first; everything else follows in file order, so nothing
 * in the spec is hidden.
 */
import type { Entity } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { workspaceTemplateRef } from '@butler-portal/plugin-gitops-common';

/** spec fields shown first, per kind */
const LEADING_FIELDS: Record<string, string[]> = {
  Workspace: ['image', 'resources', 'owner', 'repository', 'repositories'],
  WorkspaceTemplate: ['displayName', 'description', 'template'],
  Artifact: ['title', 'type', 'description'],
  ArtifactVersion: ['artifact', 'version'],
  Pipeline: ['description'],
};

/** words people write in capitals: "Cpu" and "Ssh public keys" read as typos */
const ACRONYMS = new Set([
  'api',
  'cpu',
  'dns',
  'gpu',
  'id',
  'ip',
  'ssh',
  'tls',
  'uri',
  'url',
]);

/** `autoStopAfter` → `Auto stop after`, `sshPublicKeys` → `SSH public keys` */
export function fieldLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .split(' ')
    .map(word => (ACRONYMS.has(word) ? word.toUpperCase() : word))
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function orderedEntries(
  spec: Record<string, unknown>,
  leading: string[],
): [string, unknown][] {
  const first = leading
    .filter(key => spec[key] !== undefined)
    .map(key => [key, spec[key]] as [string, unknown]);
  const rest = Object.entries(spec).filter(([key]) => !leading.includes(key));
  return [...first, ...rest];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function Scalar({ value }: { value: unknown }) {
  const text =
    value === null || value === undefined ? '—' : String(value as string);
  return (
    // a long unbroken value (an SSH key, a URL) wraps instead of running out of the card
    <Typography
      variant="body2"
      component="span"
      style={{ minWidth: 0, overflowWrap: 'anywhere' }}
    >
      {text}
    </Typography>
  );
}

function Row(props: { label: string; value: unknown; depth: number }) {
  const { label, value, depth } = props;
  const nested =
    (isObject(value) && Object.keys(value).length > 0) ||
    (Array.isArray(value) && value.some(v => typeof v === 'object'));
  return (
    <Box pl={depth * 2} py={0.25} data-testid={`spec-field-${label}`}>
      <Box display="flex" style={{ gap: 8 }}>
        <Typography
          variant="body2"
          component="span"
          color="textSecondary"
          // narrower as the row is indented, so values line up at every depth
          style={{ minWidth: 160 - depth * 16, flexShrink: 0 }}
        >
          {label}
        </Typography>
        {!nested && <Value value={value} />}
      </Box>
      {nested && <Nested value={value} depth={depth + 1} />}
    </Box>
  );
}

function Value({ value }: { value: unknown }) {
  if (Array.isArray(value)) {
    if (value.length === 0) return <Scalar value="(none)" />;
    return <Scalar value={value.map(v => String(v)).join(', ')} />;
  }
  if (isObject(value)) return <Scalar value="(empty)" />;
  return <Scalar value={value} />;
}

function Nested({ value, depth }: { value: unknown; depth: number }) {
  if (Array.isArray(value)) {
    return (
      <>
        {value.map((item, index) => (
          <Row key={index} label={`#${index + 1}`} value={item} depth={depth} />
        ))}
      </>
    );
  }
  return (
    <>
      {Object.entries(value as Record<string, unknown>).map(([key, item]) => (
        <Row key={key} label={fieldLabel(key)} value={item} depth={depth} />
      ))}
    </>
  );
}

export function SpecOverview({ entity }: { entity: Entity }) {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const entries = orderedEntries(spec, LEADING_FIELDS[entity.kind] ?? []);
  const templateRef = workspaceTemplateRef(entity.metadata);
  const template =
    templateRef && `${templateRef.namespace}/${templateRef.name}`;
  if (entries.length === 0 && !template) {
    return (
      <Typography variant="body2" color="textSecondary">
        The spec is empty.
      </Typography>
    );
  }
  return (
    <Box>
      {template && <Row label="Template" value={template} depth={0} />}
      {entries.map(([key, value]) => (
        <Row key={key} label={fieldLabel(key)} value={value} depth={0} />
      ))}
    </Box>
  );
}
