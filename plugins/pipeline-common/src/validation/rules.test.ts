/*
 * The Herald rules corpus: for every rule, a pipeline that breaks it and the exact located
 * messages it gets; a few valid pipelines show what the rules allow. Each issue is written
 * `line:column pointer [rule] message`.
 */
import { parse } from 'yaml';
import { vectorConfigValidator } from '../__testUtils__/examples';
import { pipelineEdgeTypes } from '../graph/edgeTypes';
import { renderPipeline } from '../render/renderPipeline';
import type { PipelineIssue } from './types';
import { validatePipeline } from './validatePipeline';

/** A Pipeline file team-a/p whose spec continues (after `owner`, line 7) with `body`. */
function file(body: string): string {
  return [
    'apiVersion: herald.butlerlabs.dev/v1alpha1',
    'kind: Pipeline',
    'metadata:',
    '  name: p',
    '  namespace: team-a',
    'spec:',
    '  owner: group:default/team-a',
    ...body.split('\n'),
    '',
  ].join('\n');
}

function show(issues: PipelineIssue[]): string[] {
  return issues.map(
    i => `${i.line}:${i.column} ${i.path} [${i.rule}] ${i.message}`,
  );
}

function check(body: string, path?: string) {
  const result = validatePipeline(file(body), path ? { file: path } : {});
  return {
    errors: show(result.errors),
    warnings: show(result.warnings),
  };
}

/** The event types on each edge, as the graph's badges show them. */
function edgeTypes(body: string): string[] {
  const result = validatePipeline(file(body));
  return pipelineEdgeTypes(result.resource!.spec).map(
    e =>
      `${e.from} -> ${e.to}: ${e.types.join('+')} (dropped: ${
        e.dropped.join('+') || 'none'
      })`,
  );
}

const CASES: {
  name: string;
  body: string;
  file?: string;
  errors: string[];
  warnings: string[];
}[] = [
  {
    name: 'component-id: an id must not contain a dot',
    body: `
  sources:
    app.logs:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: blackhole
      inputs: [app]`.slice(1),
    errors: [
      '9:5 /spec/sources/app.logs [component-id] spec.sources["app.logs"]: component id "app.logs" must not contain "." (Vector names outputs <id>.<output>)',
      '16:16 /spec/sinks/out/inputs/0 [unknown-input] spec.sinks.out.inputs[0]: input "app" is not a source or transform of this pipeline',
    ],
    warnings: [
      '9:5 /spec/sources/app.logs [no-consumers] spec.sources["app.logs"]: source "app.logs" has no consumers; no transform or sink reads its events',
    ],
  },
  {
    name: 'duplicate-id: ids are unique across sources, transforms and sinks',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    app:
      type: blackhole
      inputs: [app]`.slice(1),
    errors: [
      '14:5 /spec/sinks/app [duplicate-id] spec.sinks.app: component id "app" is already used by a source; ids must be unique across sources, transforms and sinks',
    ],
    warnings: [
      '9:5 /spec/sources/app [no-consumers] spec.sources.app: source "app" has no consumers; no transform or sink reads its events',
    ],
  },
  {
    name: 'no-source: at least one source',
    body: `
  sources: {}
  sinks:
    out:
      type: blackhole
      inputs: [nothing]`.slice(1),
    errors: [
      '8:3 /spec/sources [no-source] spec.sources: a pipeline needs at least one source',
      '12:16 /spec/sinks/out/inputs/0 [unknown-input] spec.sinks.out.inputs[0]: input "nothing" is not a source or transform of this pipeline',
    ],
    warnings: [],
  },
  {
    name: 'no-sink: at least one sink',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks: {}`.slice(1),
    errors: [
      '13:3 /spec/sinks [no-sink] spec.sinks: a pipeline needs at least one sink',
    ],
    warnings: [
      '9:5 /spec/sources/app [no-consumers] spec.sources.app: source "app" has no consumers; no transform or sink reads its events',
    ],
  },
  {
    name: 'missing-inputs: a transform or sink needs inputs',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    parse:
      type: remap
      inputs: []
      options:
        source: .x = 1
  sinks:
    out:
      type: blackhole
      inputs: [app]`.slice(1),
    errors: [
      '16:7 /spec/transforms/parse/inputs [missing-inputs] spec.transforms.parse.inputs: a transform needs at least one input',
    ],
    warnings: [
      '14:5 /spec/transforms/parse [no-consumers] spec.transforms.parse: transform "parse" has no consumers; no transform or sink reads its events',
    ],
  },
  {
    name: 'unknown-input: an input names a component of the pipeline',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: blackhole
      inputs: [app, ap]`.slice(1),
    errors: [
      '16:21 /spec/sinks/out/inputs/1 [unknown-input] spec.sinks.out.inputs[1]: input "ap" is not a source or transform of this pipeline',
    ],
    warnings: [],
  },
  {
    name: 'input-is-sink: sinks have no outputs',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    first:
      type: blackhole
      inputs: [app]
    second:
      type: blackhole
      inputs: [first]`.slice(1),
    errors: [
      '19:16 /spec/sinks/second/inputs/0 [input-is-sink] spec.sinks.second.inputs[0]: input "first" is a sink; only sources and transforms have outputs',
    ],
    warnings: [],
  },
  {
    name: 'duplicate-input: an input is listed once',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: blackhole
      inputs: [app, app]`.slice(1),
    errors: [
      '16:21 /spec/sinks/out/inputs/1 [duplicate-input] spec.sinks.out.inputs[1]: input "app" is listed twice (also at inputs[0])',
    ],
    warnings: [],
  },
  {
    name: 'unknown-output: route outputs are its routes and _unmatched',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    split:
      type: route
      inputs: [app]
      options:
        route:
          errors: .level == "error"
  sinks:
    out:
      type: blackhole
      inputs: [split.errors, split.warnings, split._unmatched]`.slice(1),
    errors: [
      '23:30 /spec/sinks/out/inputs/1 [unknown-output] spec.sinks.out.inputs[1]: input "split.warnings": route transform "split" has no output "warnings" (its outputs: split.errors, split._unmatched)',
    ],
    warnings: [],
  },
  {
    name: 'no-default-output: a route is read through its named outputs',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    split:
      type: route
      inputs: [app]
      options:
        route:
          errors: .level == "error"
  sinks:
    out:
      type: blackhole
      inputs: [split]`.slice(1),
    errors: [
      '23:16 /spec/sinks/out/inputs/0 [no-default-output] spec.sinks.out.inputs[0]: input "split": route transform "split" has only named outputs; use split.errors, split._unmatched',
    ],
    warnings: [
      '14:5 /spec/transforms/split [no-consumers] spec.transforms.split: transform "split" has no consumers; no transform or sink reads its events',
    ],
  },
  {
    name: 'no-default-output: the opentelemetry source has only .logs, .metrics and .traces',
    body: `
  sources:
    otlp:
      type: opentelemetry
      options:
        grpc:
          address: 0.0.0.0:4317
        http:
          address: 0.0.0.0:4318
  sinks:
    out:
      type: blackhole
      inputs: [otlp, otlp.profiles]`.slice(1),
    errors: [
      '19:16 /spec/sinks/out/inputs/0 [no-default-output] spec.sinks.out.inputs[0]: input "otlp": opentelemetry source "otlp" has only named outputs; use otlp.logs, otlp.traces, otlp.metrics',
      '19:22 /spec/sinks/out/inputs/1 [unknown-output] spec.sinks.out.inputs[1]: input "otlp.profiles": opentelemetry source "otlp" has no output "profiles" (its outputs: otlp.logs, otlp.traces, otlp.metrics)',
    ],
    warnings: [
      '9:5 /spec/sources/otlp [no-consumers] spec.sources.otlp: source "otlp" has no consumers; no transform or sink reads its events',
    ],
  },
  {
    name: 'disabled-output: remap has .dropped only with reroute_dropped',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    parse:
      type: remap
      inputs: [app]
      options:
        source: . = parse_json!(.message)
  sinks:
    out:
      type: blackhole
      inputs: [parse, parse.dropped]`.slice(1),
    errors: [
      '22:23 /spec/sinks/out/inputs/1 [disabled-output] spec.sinks.out.inputs[1]: input "parse.dropped": remap transform "parse" has a "dropped" output only with reroute_dropped: true',
    ],
    warnings: [],
  },
  {
    name: 'disabled-output: with reroute_dropped: true, .dropped is an output',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    parse:
      type: remap
      inputs: [app]
      options:
        source: . = parse_json!(.message)
        reroute_dropped: true
  sinks:
    out:
      type: blackhole
      inputs: [parse]
    failed:
      type: blackhole
      inputs: [parse.dropped]`.slice(1),
    errors: [],
    warnings: [],
  },
  {
    name: 'unmatched-glob: a wildcard must match something',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: blackhole
      inputs: ["web*"]`.slice(1),
    errors: [
      '16:16 /spec/sinks/out/inputs/0 [unmatched-glob] spec.sinks.out.inputs[0]: input "web*" matches no output of this pipeline\'s sources and transforms',
    ],
    warnings: [
      '9:5 /spec/sources/app [no-consumers] spec.sources.app: source "app" has no consumers; no transform or sink reads its events',
    ],
  },
  {
    name: 'cycle: events must not loop',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    a:
      type: filter
      inputs: [app, c]
      options:
        condition: "true"
    b:
      type: filter
      inputs: [a]
      options:
        condition: "true"
    c:
      type: filter
      inputs: [b]
      options:
        condition: "true"
  sinks:
    out:
      type: blackhole
      inputs: [c]`.slice(1),
    errors: [
      '21:16 /spec/transforms/b/inputs/0 [cycle] spec.transforms.b.inputs[0]: input "a" closes a cycle (b -> c -> a -> b); events would loop forever',
    ],
    warnings: [],
  },
  {
    name: 'reserved-output: _unmatched is not a route name',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    split:
      type: route
      inputs: [app]
      options:
        route:
          _unmatched: .level == "debug"
          errors: .level == "error"
  sinks:
    out:
      type: blackhole
      inputs: [split.errors, split._unmatched]`.slice(1),
    errors: [
      '19:11 /spec/transforms/split/options/route/_unmatched [reserved-output] spec.transforms.split.options.route._unmatched: route name "_unmatched" is reserved; route sends the events no route matches to split._unmatched',
    ],
    warnings: [],
  },
  {
    name: 'reserved-output: exclusive_route names are unique and not _unmatched',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    split:
      type: exclusive_route
      inputs: [app]
      options:
        routes:
          - name: errors
            condition: .level == "error"
          - name: errors
            condition: .level == "fatal"
          - name: _unmatched
            condition: "true"
  sinks:
    out:
      type: blackhole
      inputs: [split.errors, split._unmatched]`.slice(1),
    errors: [
      '21:19 /spec/transforms/split/options/routes/1/name [reserved-output] spec.transforms.split.options.routes[1].name: route name "errors" is used twice',
      '23:19 /spec/transforms/split/options/routes/2/name [reserved-output] spec.transforms.split.options.routes[2].name: route name "_unmatched" is reserved; exclusive_route sends the events no route matches to split._unmatched',
    ],
    warnings: [],
  },
  {
    name: 'no-consumers: a source or transform nobody reads (warning)',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
    unused:
      type: demo_logs
      options:
        format: json
  transforms:
    parse:
      type: remap
      inputs: [app]
      options:
        source: .x = 1
  sinks:
    out:
      type: blackhole
      inputs: [app]`.slice(1),
    errors: [],
    warnings: [
      '13:5 /spec/sources/unused [no-consumers] spec.sources.unused: source "unused" has no consumers; no transform or sink reads its events',
      '18:5 /spec/transforms/parse [no-consumers] spec.transforms.parse: transform "parse" has no consumers; no transform or sink reads its events',
    ],
  },
  {
    name: 'options-schema: unknown option, with the likely one',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    loki:
      type: loki
      inputs: [app]
      options:
        endpont: http://loki:3100
        endpoint: http://loki:3100
        encoding:
          codec: json
          colour: true
        labels:
          app: demo`.slice(1),
    errors: [
      '18:9 /spec/sinks/loki/options/endpont [options-schema] spec.sinks.loki.options.endpont: unknown option "endpont" for the loki sink; did you mean "endpoint"?',
      '22:11 /spec/sinks/loki/options/encoding/colour [options-schema] spec.sinks.loki.options.encoding.colour: unknown option "colour"',
    ],
    warnings: [],
  },
  {
    name: 'options-schema: wrong type',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
        count: many
  sinks:
    out:
      type: blackhole
      inputs: [app]`.slice(1),
    errors: [
      '13:16 /spec/sources/app/options/count [options-schema] spec.sources.app.options.count: must be an integer, found the string "many"',
    ],
    warnings: [],
  },
  {
    name: 'options-schema: missing required option',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    loki:
      type: loki
      inputs: [app]
      options:
        encoding:
          codec: json
        labels:
          app: demo`.slice(1),
    errors: [
      '17:7 /spec/sinks/loki/options/endpoint [options-schema] spec.sinks.loki.options: missing required field "endpoint"',
    ],
    warnings: [],
  },
  {
    name: 'options-schema: mutually exclusive options (one codec, the options of another)',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: console
      inputs: [app]
      options:
        encoding:
          codec: json
          csv:
            fields: [message]`.slice(1),
    errors: [
      '20:11 /spec/sinks/out/options/encoding/csv [options-schema] spec.sinks.out.options.encoding.csv: option "csv" does not go with codec "json"; it belongs to another codec',
    ],
    warnings: [],
  },
  {
    name: 'options-schema: a tagged choice (codec) with a value Vector does not have',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: console
      inputs: [app]
      options:
        encoding:
          codec: jsn`.slice(1),
    errors: [
      '19:18 /spec/sinks/out/options/encoding/codec [options-schema] spec.sinks.out.options.encoding.codec: must be one of "avro", "cef", "csv", "gelf", "json", "logfmt", "native", "native_json", "otlp", "protobuf", "raw_message", "text", "syslog"; found the string "jsn"',
    ],
    warnings: [],
  },
  {
    name: 'options-schema: what the chosen codec requires, and a misspelt tag',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    csv_file:
      type: file
      inputs: [app]
      options:
        path: /var/log/out.csv
        encoding:
          codec: csv
    out:
      type: console
      inputs: [app]
      options:
        encoding:
          codecc: json`.slice(1),
    errors: [
      '19:9 /spec/sinks/csv_file/options/encoding/csv [options-schema] spec.sinks.csv_file.options.encoding: missing required field "csv"',
      '25:9 /spec/sinks/out/options/encoding/codec [options-schema] spec.sinks.out.options.encoding: missing required field "codec"',
      '26:11 /spec/sinks/out/options/encoding/codecc [options-schema] spec.sinks.out.options.encoding.codecc: unknown option "codecc"; did you mean "codec"?',
    ],
    warnings: [],
  },
  {
    name: 'options-schema: options Vector wants exactly one of (remap source, file, files)',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    both:
      type: remap
      inputs: [app]
      options:
        source: .x = 1
        file: /etc/vector/x.vrl
    none:
      type: remap
      inputs: [both]
      options:
        drop_on_error: true
  sinks:
    out:
      type: blackhole
      inputs: [none]`.slice(1),
    errors: [
      '19:9 /spec/transforms/both/options/file [options-schema] spec.transforms.both.options.file: "file" cannot be set together with "source"; remap takes exactly one of "source", "file", "files"',
      '23:7 /spec/transforms/none/options [options-schema] spec.transforms.none.options: remap needs exactly one of "source", "file", "files"; none is set',
    ],
    warnings: [],
  },
  {
    name: 'type-mismatch: Vector #25598, kubernetes_logs -> remap -> prometheus_remote_write',
    body: `
  sources:
    pods:
      type: kubernetes_logs
  transforms:
    parse:
      type: remap
      inputs: [pods]
      options:
        source: . = parse_json!(.message)
  sinks:
    prom:
      type: prometheus_remote_write
      inputs: [parse]
      options:
        endpoint: http://prometheus:9090/api/v1/write`.slice(1),
    errors: [
      '20:16 /spec/sinks/prom/inputs/0 [type-mismatch] spec.sinks.prom.inputs[0]: "parse" (kubernetes_logs source "pods" through remap "parse") carries only logs, but prometheus_remote_write sink "prom" accepts only metrics: every event would be dropped (convert them first, e.g. with a log_to_metric transform)',
    ],
    warnings: [],
  },
  {
    name: 'type-mismatch: Vector #3273, metrics through a transform into a logs-only sink',
    body: `
  sources:
    host:
      type: host_metrics
  transforms:
    only_cpu:
      type: filter
      inputs: [host]
      options:
        condition: .name == "cpu_seconds_total"
  sinks:
    loki:
      type: loki
      inputs: [only_cpu]
      options:
        endpoint: http://loki:3100
        encoding:
          codec: json
        labels:
          source: host`.slice(1),
    errors: [
      '20:16 /spec/sinks/loki/inputs/0 [type-mismatch] spec.sinks.loki.inputs[0]: "only_cpu" (host_metrics source "host" through filter "only_cpu") carries only metrics, but loki sink "loki" accepts only logs with codec "json": every event would be dropped (convert them first, e.g. with a metric_to_log transform)',
    ],
    warnings: [],
  },
  {
    name: 'type-mismatch: a transform that cannot take what arrives',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    agg:
      type: aggregate
      inputs: [app]
  sinks:
    out:
      type: blackhole
      inputs: [agg]`.slice(1),
    errors: [
      '16:16 /spec/transforms/agg/inputs/0 [type-mismatch] spec.transforms.agg.inputs[0]: "app" (demo_logs source "app") carries only logs, but aggregate transform "agg" accepts only metrics: every event would be dropped (convert them first, e.g. with a log_to_metric transform)',
    ],
    warnings: [],
  },
  {
    name: 'type-mismatch: the codec decides what console accepts',
    body: `
  sources:
    host:
      type: host_metrics
  sinks:
    out:
      type: console
      inputs: [host]
      options:
        encoding:
          codec: raw_message`.slice(1),
    errors: [
      '14:16 /spec/sinks/out/inputs/0 [type-mismatch] spec.sinks.out.inputs[0]: "host" (host_metrics source "host") carries only metrics, but console sink "out" accepts only logs with codec "raw_message": every event would be dropped (convert them first, e.g. with a metric_to_log transform)',
    ],
    warnings: [],
  },
  {
    name: 'type-mismatch: opentelemetry with use_otlp_decoding delivers metrics as logs',
    body: `
  sources:
    otlp:
      type: opentelemetry
      options:
        grpc:
          address: 0.0.0.0:4317
        http:
          address: 0.0.0.0:4318
        use_otlp_decoding: true
  sinks:
    prom:
      type: prometheus_remote_write
      inputs: [otlp.metrics]
      options:
        endpoint: http://prometheus:9090/api/v1/write`.slice(1),
    errors: [
      '20:16 /spec/sinks/prom/inputs/0 [type-mismatch] spec.sinks.prom.inputs[0]: "otlp.metrics" (opentelemetry source "otlp" with use_otlp_decoding: true, which delivers metrics as log events) carries only logs, but prometheus_remote_write sink "prom" accepts only metrics: every event would be dropped (convert them first, e.g. with a log_to_metric transform)',
    ],
    warnings: [],
  },
  {
    name: 'type-dropped: types a sink would silently drop (warning)',
    body: `
  sources:
    bus:
      type: kafka
      options:
        bootstrap_servers: kafka:9092
        group_id: vector
        topics: [events]
  sinks:
    out:
      type: console
      inputs: [bus]
      options:
        encoding:
          codec: text`.slice(1),
    errors: [],
    warnings: [
      '18:16 /spec/sinks/out/inputs/0 [type-dropped] spec.sinks.out.inputs[0]: "bus" (kafka source "bus") carries logs, metrics and traces, but console sink "out" accepts only logs and metrics with codec "text": its traces would be silently dropped',
    ],
  },
  {
    name: 'type flow: converters make the #25598 pipeline valid',
    body: `
  sources:
    pods:
      type: kubernetes_logs
  transforms:
    count:
      type: log_to_metric
      inputs: [pods]
      options:
        metrics:
          - type: counter
            field: message
            name: log_lines_total
  sinks:
    prom:
      type: prometheus_remote_write
      inputs: [count]
      options:
        endpoint: http://prometheus:9090/api/v1/write`.slice(1),
    errors: [],
    warnings: [],
  },
  {
    name: 'type flow: wildcards expand to named outputs, each edge typed',
    body: `
  sources:
    otlp:
      type: opentelemetry
      options:
        grpc:
          address: 0.0.0.0:4317
        http:
          address: 0.0.0.0:4318
  sinks:
    prom:
      type: prometheus_remote_write
      inputs: ["otlp.*"]
      options:
        endpoint: http://prometheus:9090/api/v1/write`.slice(1),
    errors: [],
    warnings: [
      '19:16 /spec/sinks/prom/inputs/0 [type-dropped] spec.sinks.prom.inputs[0]: "otlp.*" (otlp.logs, otlp.traces, otlp.metrics) carries logs, metrics and traces, but prometheus_remote_write sink "prom" accepts only metrics: its logs and traces would be silently dropped',
    ],
  },
  {
    name: 'inline-secret: credentials only as SECRET[backend.key]',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    es:
      type: elasticsearch
      inputs: [app]
      options:
        endpoints: [http://es:9200]
        auth:
          strategy: basic
          user: vector
          password: hunter2
    prom:
      type: http
      inputs: [app]
      options:
        uri: http://collector:8080/ingest
        encoding:
          codec: json
        auth:
          strategy: bearer
          token: SECRET[k8s.collector_token]`.slice(1),
    errors: [
      '22:21 /spec/sinks/es/options/auth/password [inline-secret] spec.sinks.es.options.auth.password: holds a credential; write a Vector secret reference such as SECRET[backend.password] instead of the value',
    ],
    warnings: [],
  },
  {
    name: 'credential: a pasted token anywhere is refused (gitops-common rule)',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    tag:
      type: remap
      inputs: [app]
      options:
        source: .github = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
  sinks:
    out:
      type: blackhole
      inputs: [tag]`.slice(1),
    errors: [
      '18:17 /spec/transforms/tag/options/source [credential] spec.transforms.tag.options.source: looks like a secret; use a Vector secret reference, SECRET[backend.key], instead (a GitHub token)',
    ],
    warnings: [],
  },
  {
    name: 'location: the file is where its namespace and name put it',
    body: `
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: blackhole
      inputs: [app]`.slice(1),
    file: 'pipelines/team-b/p.yaml',
    errors: [
      '4:9 /metadata/name [location] file is at "pipelines/team-b/p.yaml", but Pipeline team-a/p belongs at "pipelines/team-a/p.yaml"; move the file, or change metadata.namespace and metadata.name',
    ],
    warnings: [],
  },
];

describe('Herald rules corpus', () => {
  it.each(CASES.map(c => [c.name, c] as const))('%s', (_, c) => {
    expect(check(c.body, c.file)).toEqual({
      errors: c.errors,
      warnings: c.warnings,
    });
  });

  it('covers every rule', () => {
    const rules = new Set(
      CASES.flatMap(c =>
        [...c.errors, ...c.warnings].map(i => /\[([a-z-]+)\]/.exec(i)![1]),
      ),
    );
    expect([...rules].sort()).toEqual([
      'component-id',
      'credential',
      'cycle',
      'disabled-output',
      'duplicate-id',
      'duplicate-input',
      'inline-secret',
      'input-is-sink',
      'location',
      'missing-inputs',
      'no-consumers',
      'no-default-output',
      'no-sink',
      'no-source',
      'options-schema',
      'reserved-output',
      'type-dropped',
      'type-mismatch',
      'unknown-input',
      'unknown-output',
      'unmatched-glob',
    ]);
  });

  function caseNamed(prefix: string) {
    return CASES.find(c => c.name.startsWith(prefix))!;
  }

  it('refuses what Vector itself loads: the pipelines of #25598 and #3273 pass the Vector schema', () => {
    for (const name of [
      'type-mismatch: Vector #25598',
      'type-mismatch: Vector #3273',
    ]) {
      const text = file(caseNamed(name).body);
      expect(validatePipeline(text).ok).toBe(false);
      // render what Vector would be given anyway: its own schema has nothing against it
      const rendered = renderPipeline(parse(text));
      expect(vectorConfigValidator()(parse(rendered.yaml))).toBe(true);
    }
  });

  it('types each edge for the badges, through converters and wildcards', () => {
    expect(edgeTypes(caseNamed('type flow: converters').body)).toEqual([
      'pods -> count: logs (dropped: none)',
      'count -> prom: metrics (dropped: none)',
    ]);
    expect(edgeTypes(caseNamed('type flow: wildcards').body)).toEqual([
      'otlp.logs -> prom: logs (dropped: logs)',
      'otlp.metrics -> prom: metrics (dropped: none)',
      'otlp.traces -> prom: traces (dropped: traces)',
    ]);
    expect(edgeTypes(caseNamed('type-dropped').body)).toEqual([
      'bus -> out: logs+metrics+traces (dropped: traces)',
    ]);
  });

  it('keeps errors and warnings apart and reports the file on each issue', () => {
    const result = validatePipeline(file(caseNamed('no-consumers').body), {
      file: 'pipelines/team-a/p.yaml',
    });
    expect(result.ok).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map(w => [w.file, w.severity])).toEqual([
      ['pipelines/team-a/p.yaml', 'warning'],
      ['pipelines/team-a/p.yaml', 'warning'],
    ]);
  });

  it('reports YAML and kind problems without running the pipeline rules', () => {
    expect(show(validatePipeline('a: [').errors)[0]).toMatch(
      /^1:\d+ {2}\[yaml\] /,
    );
    expect(
      show(
        validatePipeline(
          'apiVersion: butler.butlerlabs.dev/v1alpha1\nkind: Workspace\nmetadata: {}\n',
        ).errors,
      ),
    ).toEqual([
      '2:7 /kind [kind-schema] kind: a pipeline file holds a Pipeline (herald.butlerlabs.dev/v1alpha1); found "butler.butlerlabs.dev/v1alpha1 Workspace"',
    ]);
  });

  it('never throws on hostile input', () => {
    for (const text of [
      '',
      '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
      'x'.repeat(2 * 1024 * 1024),
      file('  sources: 5\n  sinks: [a]'),
      file(
        '  sources:\n    a: {type: demo_logs, options: [1]}\n  sinks:\n    b: {type: nope, inputs: ["../x", 5]}',
      ),
    ]) {
      const result = validatePipeline(text);
      expect(result.ok).toBe(false);
      expect(result.errors.length).toBeGreaterThan(0);
    }
  });
});
