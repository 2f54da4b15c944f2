/*
 * Pipelines as the gitops API returns them, for the page tests.
 */
import type { ResourceDetail, ResourceEntry } from '@butler-portal/plugin-gitops-common';
import { readPipelineText } from '../lib/pipelineText';

export const REVISION = 'abc1230000000000000000000000000000000000';

export const APP_LOGS_YAML = `# team-a's application logs
apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: app-logs
  namespace: team-a
spec:
  owner: group:default/team-a
  description: Logs of team-a's pods to Loki.
  sources:
    pod_logs: # every pod of the team
      type: kubernetes_logs
  transforms:
    parse_json:
      type: remap
      inputs:
        - pod_logs
      options:
        source: . = parse_json(.message) ?? .
  sinks:
    loki:
      type: loki
      inputs:
        - parse_json
      options:
        endpoint: http://loki.observability.svc:3100 # the team's Loki
        encoding:
          codec: json
        labels:
          app: '{{ kubernetes.pod_labels.app }}'
  layout:
    pod_logs:
      x: 0
      y: 0
    parse_json:
      x: 280
      y: 0
    loki:
      x: 560
      y: 0
`;

/** host_metrics → remap → loki: Loki takes logs only, so the edge into loki is a type error. */
export const BROKEN_YAML = APP_LOGS_YAML.replace(
  'type: kubernetes_logs',
  'type: host_metrics',
);

export function anEntry(yaml = APP_LOGS_YAML, overrides: Partial<ResourceEntry> = {}): ResourceEntry {
  const object = readPipelineText(yaml) as any;
  return {
    repository: 'platform',
    kind: 'Pipeline',
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    path: `pipelines/${object.metadata.namespace}/${object.metadata.name}.yaml`,
    revision: REVISION,
    object,
    ...overrides,
  };
}

export function aDetail(yaml = APP_LOGS_YAML, overrides: Partial<ResourceDetail> = {}): ResourceDetail {
  return { ...anEntry(yaml), yaml, changes: [], ...overrides };
}
