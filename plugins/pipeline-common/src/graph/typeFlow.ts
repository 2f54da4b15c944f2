/*
 * Event-type flow, stricter than Vector. Vector checks types only between direct neighbours and
 * takes a transform's declared output as the truth, so `kubernetes_logs -> remap ->
 * prometheus_remote_write` loads (remap "may" emit metrics) and then drops every event at
 * runtime. Here the set of event types that can actually arrive is propagated from the sources
 * through every transform: pass-through transforms keep what they accept, converters turn one
 * type into another, and a sink's codec narrows what it accepts.
 */
import { describePointer } from '@butler-portal/plugin-gitops-common';
import { CODEC_EVENT_TYPES, EVENT_TYPES } from '../catalog/catalog';
import type { EventType } from '../catalog/types';
import type { Finding } from '../validation/types';
import type { PipelineGraph } from './buildGraph';
import type { PipelineComponent, PipelineEdge } from './types';

/**
 * Transforms whose output type is not their input type: they emit their declared output types
 * whenever anything they accept arrives.
 */
const CONVERTERS = new Set(['log_to_metric', 'metric_to_log', 'lua']);

/** What turns one event type into another, for the hint of a mismatch. */
const CONVERSION_HINTS: Partial<Record<string, string>> = {
  'logs>metrics': 'log_to_metric',
  'metrics>logs': 'metric_to_log',
};

/** An edge with the event types that can travel along it. */
export interface TypedEdge extends PipelineEdge {
  /** types the producer's output can carry */
  types: EventType[];
  /** of those, the types the consumer accepts */
  accepted: EventType[];
  /** of those, the types the consumer drops */
  dropped: EventType[];
}

/** The result of the flow analysis. */
export interface TypeFlow {
  /** per output ref, the event types it can carry */
  outputTypes: Map<string, EventType[]>;
  /** per component id, the event types it accepts (codec included) */
  acceptedTypes: Map<string, EventType[]>;
  edges: TypedEdge[];
  findings: Finding[];
}

function ordered(types: Iterable<EventType>): EventType[] {
  const set = new Set(types);
  return EVENT_TYPES.filter(t => set.has(t));
}

function intersect(a: readonly EventType[], b: readonly EventType[]) {
  return a.filter(t => b.includes(t));
}

function listTypes(types: readonly EventType[]): string {
  if (types.length <= 1) return types.join('');
  return `${types.slice(0, -1).join(', ')} and ${types[types.length - 1]}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** The codec a sink serialises with (`encoding.codec`, or `protocol.encoding.codec`). */
export function codecOf(component: PipelineComponent): string | undefined {
  const { options, info } = component;
  // only sinks that serialise with a codec (Vector requires `encoding.codec` of them)
  if (!info?.required.some(r => r.option.endsWith('encoding.codec'))) {
    return undefined;
  }
  let encoding: Record<string, unknown> | undefined;
  if (isObject(options.encoding)) {
    encoding = options.encoding;
  } else if (
    isObject(options.protocol) &&
    isObject(options.protocol.encoding)
  ) {
    encoding = options.protocol.encoding; // the opentelemetry sink
  }
  return typeof encoding?.codec === 'string' ? encoding.codec : undefined;
}

/** The event types a component accepts: the catalog's, narrowed by a sink's codec. */
export function acceptedTypesOf(component: PipelineComponent): EventType[] {
  const accepted = component.info?.input ?? [...EVENT_TYPES];
  const codec = component.kind === 'sink' ? codecOf(component) : undefined;
  const byCodec = codec !== undefined ? CODEC_EVENT_TYPES[codec] : undefined;
  return byCodec ? intersect(accepted, byCodec) : [...accepted];
}

/** What a component emits, given what reaches it. */
function emitted(
  component: PipelineComponent,
  arriving: EventType[],
): EventType[] {
  const declared = component.info?.output ?? [...EVENT_TYPES];
  if (component.kind === 'source') return [...declared];
  if (arriving.length === 0) return [];
  if (CONVERTERS.has(component.type)) return [...declared];
  return intersect(arriving, declared);
}

/** Items grouped by a key, in their order (linear: no copying per item). */
function groupBy<T>(items: Iterable<T>, key: (item: T) => string) {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The longest account of where events come from a message carries. */
const MAX_ORIGIN_LENGTH = 160;

/**
 * Where a component's events come from, for messages: `kubernetes_logs source "pod_logs"
 * through remap "parse"`. A converter or a transform with several inputs starts the account.
 */
function originOf(
  component: PipelineComponent,
  edgesTo: Map<string, PipelineEdge[]>,
  origin: Map<string, string>,
): string {
  const self = `${component.type} ${
    component.kind === 'source' ? 'source ' : ''
  }${JSON.stringify(component.id)}`;
  const incoming = edgesTo.get(component.id) ?? [];
  if (
    component.kind === 'source' ||
    CONVERTERS.has(component.type) ||
    incoming.length !== 1
  ) {
    return self;
  }
  const upstream = origin.get(incoming[0].from);
  const text = upstream ? `${upstream} through ${self}` : self;
  return text.length > MAX_ORIGIN_LENGTH ? `... through ${self}` : text;
}

/** Components in an order where every producer comes before its consumers (cycles left out). */
function topologicalOrder(graph: PipelineGraph): PipelineComponent[] {
  const indegree = new Map<string, number>();
  const downstream = new Map<string, string[]>();
  for (const c of graph.components) indegree.set(c.id, 0);
  for (const edge of graph.edges) {
    indegree.set(edge.to, (indegree.get(edge.to) ?? 0) + 1);
    const list = downstream.get(edge.fromComponent);
    if (list) list.push(edge.to);
    else downstream.set(edge.fromComponent, [edge.to]);
  }
  const ready = graph.components.filter(c => indegree.get(c.id) === 0);
  const order: PipelineComponent[] = [];
  for (let i = 0; i < ready.length; i++) {
    const c = ready[i];
    order.push(c);
    for (const next of downstream.get(c.id) ?? []) {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(graph.byId.get(next)!);
    }
  }
  return order;
}

/**
 * Propagates event types through the graph and reports edges whose types never meet (error)
 * and types a consumer silently drops (warning). Components in a cycle are left out: the cycle
 * is the error there.
 */
export function analyseTypeFlow(graph: PipelineGraph): TypeFlow {
  const outputTypes = new Map<string, EventType[]>();
  const acceptedTypes = new Map<string, EventType[]>();
  const edges: TypedEdge[] = [];
  const findings: Finding[] = [];
  const edgesTo = groupBy(graph.edges, edge => edge.to);
  const outputsByComponent = groupBy(
    graph.outputs.values(),
    output => output.component,
  );
  /** a short account of where an output's types come from, for messages */
  const origin = new Map<string, string>();

  for (const component of topologicalOrder(graph)) {
    const accepted = acceptedTypesOf(component);
    acceptedTypes.set(component.id, accepted);
    const arriving = new Set<EventType>();
    // one input as written may be several edges (a wildcard): judge them together, as the
    // user wrote them, and keep each edge's own types for the badges
    const groups = new Map<number, PipelineEdge[]>();
    for (const edge of edgesTo.get(component.id) ?? []) {
      const types = outputTypes.get(edge.from) ?? [];
      const meet = intersect(types, accepted);
      edges.push({
        ...edge,
        types,
        accepted: meet,
        dropped: types.filter(t => !accepted.includes(t)),
      });
      meet.forEach(t => arriving.add(t));
      const group = groups.get(edge.inputIndex);
      if (group) group.push(edge);
      else groups.set(edge.inputIndex, [edge]);
    }
    for (const [inputIndex, group] of groups) {
      const types = ordered(
        group.flatMap(edge => outputTypes.get(edge.from) ?? []),
      );
      if (types.length === 0) continue; // nothing arrives: reported upstream
      const meet = intersect(types, accepted);
      const dropped = types.filter(t => !accepted.includes(t));
      const pointer = `${component.pointer}/inputs/${inputIndex}`;
      const [first] = group;
      const what =
        group.length === 1 && first.input === first.from
          ? `${JSON.stringify(first.from)}${
              origin.has(first.from) ? ` (${origin.get(first.from)})` : ''
            }`
          : `${JSON.stringify(first.input)} (${group
              .map(edge => edge.from)
              .join(', ')})`;
      const consumer = `${component.type} ${component.kind} ${JSON.stringify(
        component.id,
      )}`;
      const codec = codecOf(component);
      const acceptsWhat = `accepts only ${listTypes(accepted) || 'nothing'}${
        codec !== undefined && CODEC_EVENT_TYPES[codec]
          ? ` with codec ${JSON.stringify(codec)}`
          : ''
      }`;
      if (meet.length === 0) {
        const hint = types
          .flatMap(from =>
            accepted.map(to => CONVERSION_HINTS[`${from}>${to}`]),
          )
          .find(Boolean);
        findings.push({
          pointer,
          target: 'value',
          severity: 'error',
          rule: 'type-mismatch',
          message: `${describePointer(
            pointer,
          )}: ${what} carries only ${listTypes(
            types,
          )}, but ${consumer} ${acceptsWhat}: every event would be dropped${
            hint ? ` (convert them first, e.g. with a ${hint} transform)` : ''
          }`,
        });
      } else if (dropped.length > 0) {
        findings.push({
          pointer,
          target: 'value',
          severity: 'warning',
          rule: 'type-dropped',
          message: `${describePointer(pointer)}: ${what} carries ${listTypes(
            types,
          )}, but ${consumer} ${acceptsWhat}: its ${listTypes(
            dropped,
          )} would be silently dropped`,
        });
      }
    }
    const out = ordered(emitted(component, ordered(arriving)));
    for (const output of outputsByComponent.get(component.id) ?? []) {
      const types = output.fixedTypes ? intersect(out, output.fixedTypes) : out;
      outputTypes.set(output.ref, types);
      origin.set(
        output.ref,
        output.fixedTypes && output.fixedTypes[0] !== output.name
          ? `${originOf(
              component,
              edgesTo,
              origin,
            )} with use_otlp_decoding: true, which delivers ${
              output.name
            } as log events`
          : originOf(component, edgesTo, origin),
      );
    }
  }
  return { outputTypes, acceptedTypes, edges, findings };
}
