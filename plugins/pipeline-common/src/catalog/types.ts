/** What Vector moves between components. */
export type EventType = 'logs' | 'metrics' | 'traces';

/** The three kinds of Vector component, as a Pipeline's spec groups them. */
export type ComponentKind = 'source' | 'transform' | 'sink';

/** A named output a component type documents (`<id>.<name>`). */
export interface NamedOutputInfo {
  /** the output's name; `<route_id>` stands for names the component's options give */
  name: string;
  description: string;
}

/** An option Vector's reference marks required. */
export interface RequiredOptionInfo {
  /** dotted option path, e.g. `encoding.codec` */
  option: string;
  /** Vector's documented type, e.g. `array<string>` */
  type: string;
  /** when only required for some setting, e.g. `strategy = "basic"` */
  relevantWhen?: string;
}

/** One component type of the pinned Vector version. */
export interface ComponentTypeInfo {
  kind: ComponentKind;
  type: string;
  title: string;
  /** Vector's maturity: stable, beta, ... */
  development?: string;
  /** event types accepted (empty for sources) */
  input: EventType[];
  /** metric kinds accepted (counter, gauge, ...), when metrics are */
  inputMetricKinds: string[];
  /** event types produced (empty for sinks) */
  output: EventType[];
  outputs: NamedOutputInfo[];
  required: RequiredOptionInfo[];
  /** JSON Schema (2019-09) of `options`; `$ref`s point into the catalog's `definitions` */
  options: Record<string, unknown>;
}

/** The generated catalog file's content. */
export interface VectorCatalogData {
  vectorVersion: string;
  componentsSource: string;
  /** keyed `<kind>:<type>`, e.g. `sink:loki` */
  components: Record<string, ComponentTypeInfo>;
  /** the JSON Schema definitions the components' option schemas share */
  definitions: Record<string, unknown>;
}
