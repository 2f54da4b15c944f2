/*
 * What the visual builder can do to a pipeline, as pure functions from one resource to the
 * next: the editor writes the result into the YAML text with the comment-keeping codec, so each
 * function changes only what the user changed (and undo is simply the previous text).
 */
import type {
  ComponentKind,
  PipelineResource,
  PipelineSpec,
} from '@butler-portal/plugin-pipeline-common';

export const SECTION_OF: Record<
  ComponentKind,
  'sources' | 'transforms' | 'sinks'
> = {
  source: 'sources',
  transform: 'transforms',
  sink: 'sinks',
};

export interface ComponentRef {
  kind: ComponentKind;
  id: string;
}

type AnyComponent = {
  type: string;
  inputs?: string[];
  options?: Record<string, unknown>;
};

function sectionOf(
  spec: PipelineSpec,
  kind: ComponentKind,
): Record<string, AnyComponent> {
  return ((spec as any)[SECTION_OF[kind]] ?? {}) as Record<
    string,
    AnyComponent
  >;
}

function withSection(
  resource: PipelineResource,
  kind: ComponentKind,
  section: Record<string, AnyComponent>,
): PipelineResource {
  return {
    ...resource,
    spec: { ...resource.spec, [SECTION_OF[kind]]: section },
  };
}

/** Every component id in use, across kinds (Vector wants them unique across kinds). */
export function componentIds(spec: PipelineSpec): Set<string> {
  return new Set([
    ...Object.keys(spec.sources ?? {}),
    ...Object.keys(spec.transforms ?? {}),
    ...Object.keys(spec.sinks ?? {}),
  ]);
}

/** Which kind a component id belongs to. */
export function kindOfId(
  spec: PipelineSpec,
  id: string,
): ComponentKind | undefined {
  for (const kind of ['source', 'transform', 'sink'] as const) {
    if (Object.prototype.hasOwnProperty.call(sectionOf(spec, kind), id))
      return kind;
  }
  return undefined;
}

/** A free id for a new component of `type`: the type itself, else `<type>_2`, `<type>_3`, ... */
export function freeId(spec: PipelineSpec, type: string): string {
  const used = componentIds(spec);
  const base = type.replace(/[^A-Za-z0-9_-]/g, '_') || 'component';
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    if (!used.has(`${base}_${n}`)) return `${base}_${n}`;
  }
}

/** Adds a component (with empty inputs for transforms and sinks) at a position. */
export function addComponent(
  resource: PipelineResource,
  kind: ComponentKind,
  type: string,
  position?: { x: number; y: number },
  options: Record<string, unknown> = {},
): { resource: PipelineResource; id: string } {
  const id = freeId(resource.spec, type);
  const component: AnyComponent =
    kind === 'source' ? { type } : { type, inputs: [] };
  if (Object.keys(options).length > 0) component.options = options;
  let next = withSection(resource, kind, {
    ...sectionOf(resource.spec, kind),
    [id]: component,
  });
  if (position) next = setPositions(next, { [id]: position });
  return { resource: next, id };
}

/** True when `input` (as written in `inputs`) reads from component `id` (`id` or `id.<output>`). */
export function inputReadsFrom(input: string, id: string): boolean {
  return input === id || input.startsWith(`${id}.`);
}

/** Removes components, the inputs that read from them, and their layout entries. */
export function removeComponents(
  resource: PipelineResource,
  ids: readonly string[],
): PipelineResource {
  if (ids.length === 0) return resource;
  const gone = new Set(ids);
  const spec: any = { ...resource.spec };
  for (const kind of ['source', 'transform', 'sink'] as const) {
    const key = SECTION_OF[kind];
    if (!spec[key]) continue;
    const section: Record<string, AnyComponent> = {};
    for (const [id, component] of Object.entries(
      spec[key] as Record<string, AnyComponent>,
    )) {
      if (gone.has(id)) continue;
      const inputs = component.inputs;
      const kept = inputs?.filter(
        input => ![...gone].some(g => inputReadsFrom(input, g)),
      );
      section[id] =
        inputs && kept && kept.length !== inputs.length
          ? { ...component, inputs: kept }
          : component;
    }
    spec[key] = section;
  }
  if (spec.layout) {
    spec.layout = Object.fromEntries(
      Object.entries(spec.layout).filter(([id]) => !gone.has(id)),
    );
  }
  return { ...resource, spec };
}

/**
 * Connects an output (`<id>` or `<id>.<name>`) to a transform or sink. Returns the resource
 * unchanged when the input is already there or the target has no inputs (a source).
 */
export function connect(
  resource: PipelineResource,
  fromRef: string,
  toId: string,
): PipelineResource {
  const kind = kindOfId(resource.spec, toId);
  if (!kind || kind === 'source') return resource;
  const fromId = fromRef.split('.')[0];
  if (fromId === toId) return resource;
  const section = sectionOf(resource.spec, kind);
  const target = section[toId];
  const inputs = target.inputs ?? [];
  if (inputs.includes(fromRef)) return resource;
  return withSection(resource, kind, {
    ...section,
    [toId]: { ...target, inputs: [...inputs, fromRef] },
  });
}

/** Removes the input at `inputIndex` of a transform or sink. */
export function disconnect(
  resource: PipelineResource,
  toId: string,
  inputIndex: number,
): PipelineResource {
  const kind = kindOfId(resource.spec, toId);
  if (!kind || kind === 'source') return resource;
  const section = sectionOf(resource.spec, kind);
  const target = section[toId];
  const inputs = target.inputs ?? [];
  if (inputIndex < 0 || inputIndex >= inputs.length) return resource;
  return withSection(resource, kind, {
    ...section,
    [toId]: {
      ...target,
      inputs: inputs.filter((_, i) => i !== inputIndex),
    },
  });
}

/** Replaces a component's options (an empty object removes `options`). */
export function setOptions(
  resource: PipelineResource,
  ref: ComponentRef,
  options: Record<string, unknown>,
): PipelineResource {
  const section = sectionOf(resource.spec, ref.kind);
  const current = section[ref.id];
  if (!current) return resource;
  const { options: _old, ...rest } = current;
  const next: AnyComponent =
    Object.keys(options).length > 0 ? { ...rest, options } : rest;
  return withSection(resource, ref.kind, { ...section, [ref.id]: next });
}

/** Replaces a component's inputs as written. */
export function setInputs(
  resource: PipelineResource,
  ref: ComponentRef,
  inputs: string[],
): PipelineResource {
  if (ref.kind === 'source') return resource;
  const section = sectionOf(resource.spec, ref.kind);
  const current = section[ref.id];
  if (!current) return resource;
  return withSection(resource, ref.kind, {
    ...section,
    [ref.id]: { ...current, inputs },
  });
}

/**
 * Renames a component: its key, the inputs that read from it (named outputs kept) and its
 * layout entry. Refused (unchanged) when the new id is taken.
 */
export function renameComponent(
  resource: PipelineResource,
  from: string,
  to: string,
): PipelineResource {
  const kind = kindOfId(resource.spec, from);
  if (!kind || from === to || componentIds(resource.spec).has(to))
    return resource;
  const spec: any = { ...resource.spec };
  for (const k of ['source', 'transform', 'sink'] as const) {
    const key = SECTION_OF[k];
    if (!spec[key]) continue;
    spec[key] = Object.fromEntries(
      Object.entries(spec[key] as Record<string, AnyComponent>).map(
        ([id, c]) => [
          id === from ? to : id,
          c.inputs
            ? {
                ...c,
                inputs: c.inputs.map(input =>
                  inputReadsFrom(input, from)
                    ? `${to}${input.slice(from.length)}`
                    : input,
                ),
              }
            : c,
        ],
      ),
    );
  }
  if (spec.layout) {
    spec.layout = Object.fromEntries(
      Object.entries(spec.layout).map(([id, p]) => [id === from ? to : id, p]),
    );
  }
  return { ...resource, spec };
}

/** Sets `spec.layout` entries (rounded: sub-pixel drags are noise in a diff). */
export function setPositions(
  resource: PipelineResource,
  positions: Record<string, { x: number; y: number }>,
): PipelineResource {
  const layout = { ...(resource.spec.layout ?? {}) };
  let changed = false;
  for (const [id, p] of Object.entries(positions)) {
    const next = { x: Math.round(p.x), y: Math.round(p.y) };
    const old = layout[id];
    if (!old || old.x !== next.x || old.y !== next.y) {
      layout[id] = next;
      changed = true;
    }
  }
  return changed ? { ...resource, spec: { ...resource.spec, layout } } : resource;
}
