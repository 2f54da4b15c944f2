/*
 * From a Pipeline's spec to the graph Vector would build: components, their outputs (default and
 * named), and every input resolved to an output, with wildcards expanded as Vector expands them.
 * Each structural check Vector makes at load time is reported here, located in the spec.
 */
import {
  describePointer,
  toPointer,
} from '@butler-portal/plugin-gitops-common';
import { findComponentType } from '../catalog/catalog';
import type { ComponentKind, EventType } from '../catalog/types';
import type { Finding } from '../validation/types';
import type { ComponentOutput, PipelineComponent, PipelineEdge } from './types';

/** The route output that receives what no route matched; no route may take its name. */
export const UNMATCHED_OUTPUT = '_unmatched';
/** remap's output for events that failed or aborted, when `reroute_dropped: true`. */
export const DROPPED_OUTPUT = 'dropped';

const SECTIONS: readonly { section: string; kind: ComponentKind }[] = [
  { section: 'sources', kind: 'source' },
  { section: 'transforms', kind: 'transform' },
  { section: 'sinks', kind: 'sink' },
];

const EVENT_TYPE_NAMES = new Set<string>(['logs', 'metrics', 'traces']);

/** Most edges a pipeline may have; a 1,000-component pipeline needs a few thousand. */
export const MAX_EDGES = 50_000;
/** Most wildcard-against-output comparisons spent on one pipeline (well under a second). */
const MAX_WILDCARD_WORK = 2_000_000;

/** The graph of a pipeline and what is structurally wrong with it. */
export interface PipelineGraph {
  /** every component, sources first, then transforms, then sinks, each in file order */
  components: PipelineComponent[];
  byId: Map<string, PipelineComponent>;
  /** outputs by ref (`<id>` or `<id>.<name>`), sources' before transforms' */
  outputs: Map<string, ComponentOutput>;
  /** resolved inputs, by consumer in component order, then input order */
  edges: PipelineEdge[];
  /** ids of components in a cycle */
  inCycle: Set<string>;
  findings: Finding[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function at(pointer: string): string {
  return describePointer(pointer);
}

/** The ids a pipeline's spec declares, as components. Entries that are not objects are skipped. */
function collectComponents(
  spec: Record<string, unknown>,
  findings: Finding[],
): PipelineComponent[] {
  const components: PipelineComponent[] = [];
  const firstKind = new Map<string, ComponentKind>();
  for (const { section, kind } of SECTIONS) {
    const entries = spec[section];
    if (!isObject(entries)) continue;
    for (const [id, entry] of Object.entries(entries)) {
      const pointer = toPointer(['spec', section, id]);
      if (id.includes('.')) {
        findings.push({
          pointer,
          target: 'key',
          severity: 'error',
          rule: 'component-id',
          message: `${at(pointer)}: component id ${quote(
            id,
          )} must not contain "." (Vector names outputs <id>.<output>)`,
        });
      }
      const earlier = firstKind.get(id);
      if (earlier) {
        findings.push({
          pointer,
          target: 'key',
          severity: 'error',
          rule: 'duplicate-id',
          message: `${at(pointer)}: component id ${quote(
            id,
          )} is already used by a ${earlier}; ids must be unique across sources, transforms and sinks`,
        });
        continue;
      }
      firstKind.set(id, kind);
      if (!isObject(entry)) continue; // the kind's schema reports it
      const type = typeof entry.type === 'string' ? entry.type : '';
      const inputs = Array.isArray(entry.inputs)
        ? entry.inputs.filter((i): i is string => typeof i === 'string')
        : [];
      components.push({
        id,
        kind,
        type,
        info: findComponentType(kind, type),
        inputs,
        options: isObject(entry.options) ? entry.options : {},
        pointer,
      });
    }
  }
  return components;
}

/** Route names of a `route` or `exclusive_route` transform, with where each is written. */
function routeNames(
  component: PipelineComponent,
): { name: string; pointer: string }[] {
  const { options, pointer } = component;
  if (component.type === 'route' && isObject(options.route)) {
    return Object.keys(options.route).map(name => ({
      name,
      pointer: `${pointer}/options/route${toPointer([name])}`,
    }));
  }
  if (component.type === 'exclusive_route' && Array.isArray(options.routes)) {
    return options.routes.flatMap((route, index) =>
      isObject(route) && typeof route.name === 'string'
        ? [
            {
              name: route.name,
              pointer: `${pointer}/options/routes/${index}/name`,
            },
          ]
        : [],
    );
  }
  return [];
}

/**
 * The outputs of a component, as Vector declares them for its options: route-like transforms
 * one per route plus `_unmatched`, remap a default one plus `dropped` with `reroute_dropped`,
 * a source with documented named outputs (opentelemetry) only those; sinks none.
 */
export function outputsOf(component: PipelineComponent): ComponentOutput[] {
  const { id, kind, type, options, info } = component;
  if (kind === 'sink') return [];
  const named = (name: string, fixedTypes?: EventType[]): ComponentOutput => ({
    component: id,
    name,
    ref: `${id}.${name}`,
    ...(fixedTypes ? { fixedTypes } : {}),
  });
  const defaultOutput: ComponentOutput = { component: id, ref: id };
  if (
    kind === 'transform' &&
    (type === 'route' || type === 'exclusive_route')
  ) {
    const names = routeNames(component)
      .map(r => r.name)
      .filter(n => n !== UNMATCHED_OUTPUT);
    const unmatched = !(
      type === 'route' && options.reroute_unmatched === false
    );
    return [...names, ...(unmatched ? [UNMATCHED_OUTPUT] : [])].map(n =>
      named(n),
    );
  }
  if (kind === 'transform' && type === 'remap') {
    return options.reroute_dropped === true
      ? [defaultOutput, named(DROPPED_OUTPUT)]
      : [defaultOutput];
  }
  const documented = (info?.outputs ?? []).filter(o => !o.name.startsWith('<'));
  if (documented.length > 0) {
    // opentelemetry with use_otlp_decoding keeps the OTLP shape, and then its metrics arrive
    // as log events (Vector's reference says so): metric components cannot read them
    const otlpMetricsAsLogs =
      kind === 'source' &&
      type === 'opentelemetry' &&
      options.use_otlp_decoding === true;
    return documented.map(o =>
      named(
        o.name,
        kind === 'source' && EVENT_TYPE_NAMES.has(o.name)
          ? [
              otlpMetricsAsLogs && o.name === 'metrics'
                ? 'logs'
                : (o.name as EventType),
            ]
          : undefined,
      ),
    );
  }
  return [defaultOutput];
}

/** Vector's wildcard: `*` stands for any run of characters, dots included (glob::Pattern). */
function globMatcher(glob: string): RegExp {
  const body = glob
    .split('*')
    .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Reserved and malformed route names. */
function checkRouteNames(
  component: PipelineComponent,
  findings: Finding[],
): void {
  const seen = new Set<string>();
  for (const { name, pointer } of routeNames(component)) {
    const target = component.type === 'route' ? 'key' : 'value';
    if (name === UNMATCHED_OUTPUT) {
      findings.push({
        pointer,
        target,
        severity: 'error',
        rule: 'reserved-output',
        message: `${at(
          pointer,
        )}: route name "${UNMATCHED_OUTPUT}" is reserved; ${
          component.type
        } sends the events no route matches to ${
          component.id
        }.${UNMATCHED_OUTPUT}`,
      });
    } else if (name.includes('.') || name.includes('*') || name === '') {
      findings.push({
        pointer,
        target,
        severity: 'error',
        rule: 'reserved-output',
        message: `${at(pointer)}: route name ${quote(
          name,
        )} is not usable as an output name (letters, digits, "_" and "-" only; inputs refer to it as ${
          component.id
        }.<name>)`,
      });
    } else if (seen.has(name)) {
      findings.push({
        pointer,
        target,
        severity: 'error',
        rule: 'reserved-output',
        message: `${at(pointer)}: route name ${quote(name)} is used twice`,
      });
    }
    seen.add(name);
  }
}

/** Why an `<id>.<name>` input does not resolve, for a component that exists. */
function unresolvedOutputMessage(
  input: string,
  producer: PipelineComponent,
  outputs: ComponentOutput[],
): { rule: Finding['rule']; message: string } {
  const [, name] = input.split('.', 2);
  const list = outputs.map(o => o.ref).join(', ');
  const what = `${producer.type} ${producer.kind} ${quote(producer.id)}`;
  if (name === undefined) {
    return {
      rule: 'no-default-output',
      message: `input ${quote(input)}: ${what} has only named outputs; use ${
        list || 'one of them'
      }`,
    };
  }
  if (producer.type === 'remap' && name === DROPPED_OUTPUT) {
    return {
      rule: 'disabled-output',
      message: `input ${quote(
        input,
      )}: ${what} has a "${DROPPED_OUTPUT}" output only with reroute_dropped: true`,
    };
  }
  if (
    producer.type === 'route' &&
    name === UNMATCHED_OUTPUT &&
    producer.options.reroute_unmatched === false
  ) {
    return {
      rule: 'disabled-output',
      message: `input ${quote(
        input,
      )}: ${what} has no "${UNMATCHED_OUTPUT}" output while reroute_unmatched is false`,
    };
  }
  return {
    rule: 'unknown-output',
    message: `input ${quote(input)}: ${what} has no output ${quote(name)}${
      list ? ` (its outputs: ${list})` : ''
    }`,
  };
}

/** Builds the graph of a pipeline's spec and reports what Vector would refuse to load. */
export function buildPipelineGraph(spec: unknown): PipelineGraph {
  const findings: Finding[] = [];
  const specObject = isObject(spec) ? spec : {};
  const components = collectComponents(specObject, findings);
  const byId = new Map(components.map(c => [c.id, c]));

  for (const { section, kind } of SECTIONS) {
    if (kind === 'transform') continue;
    // declared entries count, even one refused as a duplicate id
    const entries = specObject[section];
    const present = isObject(entries) && Object.keys(entries).length > 0;
    if (!present) {
      findings.push({
        pointer: `/spec/${section}`,
        target: 'key',
        severity: 'error',
        rule: kind === 'source' ? 'no-source' : 'no-sink',
        message: `spec.${section}: a pipeline needs at least one ${kind}`,
      });
    }
  }

  const outputs = new Map<string, ComponentOutput>();
  const outputsById = new Map<string, ComponentOutput[]>();
  for (const component of components) {
    if (component.kind === 'transform') checkRouteNames(component, findings);
    const list = outputsOf(component);
    outputsById.set(component.id, list);
    for (const output of list) outputs.set(output.ref, output);
  }
  const candidates = [...outputs.keys()];

  const edges: PipelineEdge[] = [];
  const consumed = new Set<string>();
  // wildcard expansion spent so far (an object: the per-input callback updates it)
  const budget = { work: 0, exceeded: false };
  for (const component of components) {
    if (component.kind === 'source') continue;
    const inputsPointer = `${component.pointer}/inputs`;
    if (component.inputs.length === 0) {
      findings.push({
        pointer: inputsPointer,
        target: 'key',
        severity: 'error',
        rule: 'missing-inputs',
        message: `${at(inputsPointer)}: a ${
          component.kind
        } needs at least one input`,
      });
      continue;
    }
    const firstIndex = new Map<string, number>();
    const linked = new Set<string>();
    component.inputs.forEach((input, inputIndex) => {
      const pointer = `${inputsPointer}/${inputIndex}`;
      const report = (rule: Finding['rule'], message: string) =>
        findings.push({
          pointer,
          target: 'value',
          severity: 'error',
          rule,
          message: `${at(pointer)}: ${message}`,
        });
      const earlier = firstIndex.get(input);
      if (earlier !== undefined) {
        report(
          'duplicate-input',
          `input ${quote(input)} is listed twice (also at inputs[${earlier}])`,
        );
        return;
      }
      firstIndex.set(input, inputIndex);
      const link = (ref: string) => {
        if (linked.has(ref)) return; // a wildcard may name an input again; Vector keeps one
        linked.add(ref);
        const output = outputs.get(ref)!;
        consumed.add(output.component);
        edges.push({
          from: ref,
          fromComponent: output.component,
          to: component.id,
          inputIndex,
          input,
        });
      };
      if (input.includes('*')) {
        // wildcards cost outputs x wildcards; files come from anyone who can push a branch
        budget.work += candidates.length;
        if (budget.work > MAX_WILDCARD_WORK || edges.length > MAX_EDGES) {
          if (!budget.exceeded) {
            budget.exceeded = true;
            report(
              'too-large',
              `input ${quote(
                input,
              )}: the pipeline's wildcards expand to more than ${MAX_EDGES} inputs or take too long to expand; name the inputs, or split the pipeline`,
            );
          }
          return;
        }
        const matcher = globMatcher(input);
        // as Vector: a component never receives its own output through a wildcard
        const matches = candidates.filter(
          ref => ref !== component.id && matcher.test(ref),
        );
        if (matches.length === 0) {
          report(
            'unmatched-glob',
            `input ${quote(
              input,
            )} matches no output of this pipeline's sources and transforms`,
          );
        }
        matches.forEach(link);
        return;
      }
      if (outputs.has(input)) {
        link(input);
        return;
      }
      const producerId = input.split('.')[0];
      const producer = byId.get(producerId);
      if (!producer) {
        report(
          'unknown-input',
          `input ${quote(input)} is not a source or transform of this pipeline`,
        );
      } else if (producer.kind === 'sink') {
        report(
          'input-is-sink',
          `input ${quote(
            input,
          )} is a sink; only sources and transforms have outputs`,
        );
      } else {
        const { rule, message } = unresolvedOutputMessage(
          input,
          producer,
          outputsById.get(producer.id) ?? [],
        );
        report(rule, message);
      }
    });
  }

  const inCycle = findCycles(components, edges, findings);

  for (const component of components) {
    if (component.kind === 'sink' || consumed.has(component.id)) continue;
    findings.push({
      pointer: component.pointer,
      target: 'key',
      severity: 'warning',
      rule: 'no-consumers',
      message: `${at(component.pointer)}: ${component.kind} ${quote(
        component.id,
      )} has no consumers; no transform or sink reads its events`,
    });
  }

  return { components, byId, outputs, edges, inCycle, findings };
}

/**
 * Reports each cycle once (Vector refuses them: events would loop forever), at the inputs of
 * the component where the loop was found to close.
 */
function findCycles(
  components: PipelineComponent[],
  edges: PipelineEdge[],
  findings: Finding[],
): Set<string> {
  const upstream = new Map<string, PipelineEdge[]>();
  for (const edge of edges) {
    const list = upstream.get(edge.to);
    if (list) list.push(edge);
    else upstream.set(edge.to, [edge]);
  }
  const pointerOf = new Map(components.map(c => [c.id, c.pointer]));
  const inCycle = new Set<string>();
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  // iterative depth-first search: a 10,000-component chain must not exhaust the call stack
  for (const root of components) {
    if (state.has(root.id)) continue;
    const frames: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    state.set(root.id, 'active');
    stack.push(root.id);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const list = upstream.get(frame.id) ?? [];
      if (frame.next >= list.length) {
        state.set(frame.id, 'done');
        stack.pop();
        frames.pop();
        continue;
      }
      const edge = list[frame.next++];
      const from = edge.fromComponent;
      const seen = state.get(from);
      if (seen === 'active') {
        const loop = stack.slice(stack.indexOf(from));
        loop.forEach(id => inCycle.add(id));
        // written in the direction events flow: from -> ... -> this component -> from
        const chain = [...loop].reverse();
        const pointer = `${pointerOf.get(frame.id)}/inputs/${edge.inputIndex}`;
        findings.push({
          pointer,
          target: 'value',
          severity: 'error',
          rule: 'cycle',
          message: `${at(pointer)}: input ${quote(
            edge.input,
          )} closes a cycle (${[...chain, chain[0]].join(
            ' -> ',
          )}); events would loop forever`,
        });
      } else if (seen === undefined) {
        state.set(from, 'active');
        stack.push(from);
        frames.push({ id: from, next: 0 });
      }
    }
  }
  return inCycle;
}
