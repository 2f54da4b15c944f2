import type {
  ComponentKind,
  ComponentTypeInfo,
  EventType,
} from '../catalog/types';

/** The spec of a Pipeline resource (herald.butlerlabs.dev/v1alpha1), as schemas/pipeline.schema.json describes it. */
export interface PipelineSpec {
  owner: string;
  description?: string;
  sources: Record<string, { type: string; options?: Record<string, unknown> }>;
  transforms?: Record<
    string,
    { type: string; inputs: string[]; options?: Record<string, unknown> }
  >;
  sinks: Record<
    string,
    { type: string; inputs: string[]; options?: Record<string, unknown> }
  >;
  layout?: Record<string, { x: number; y: number }>;
}

/** A Pipeline resource. */
export interface PipelineResource {
  apiVersion: string;
  kind: 'Pipeline';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: PipelineSpec;
}

/** One source, transform or sink of a pipeline. */
export interface PipelineComponent {
  id: string;
  kind: ComponentKind;
  type: string;
  /** the catalog entry; undefined for a type the pinned Vector lacks */
  info?: ComponentTypeInfo;
  /** inputs as written */
  inputs: string[];
  options: Record<string, unknown>;
  /** JSON Pointer of the component, e.g. `/spec/sinks/loki` */
  pointer: string;
}

/** An output of a source or transform: its default output, or a named one (`<id>.<name>`). */
export interface ComponentOutput {
  component: string;
  /** undefined for the default output */
  name?: string;
  /** how inputs refer to it: `<id>` or `<id>.<name>` */
  ref: string;
  /** event types fixed by the output itself (opentelemetry's `.logs`), if any */
  fixedTypes?: EventType[];
}

/** One resolved input: events flow from an output to a component. */
export interface PipelineEdge {
  /** the output's ref, `<id>` or `<id>.<name>` */
  from: string;
  fromComponent: string;
  to: string;
  /** index in the consumer's `inputs`, and what was written there (a glob may give many edges) */
  inputIndex: number;
  input: string;
}
