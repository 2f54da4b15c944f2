/*
 * Test fixtures: Pipeline files that pass the Herald rules (demo_logs → remap → console), one
 * that Vector would load but Herald refuses (host metrics into a sink taking only logs), and
 * the pinned Vector schema compiled once, to prove delivered files are configurations Vector
 * accepts.
 */
import fs from 'fs';
import path from 'path';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import {
  parseResourceYaml,
  type GitOpsResource,
} from '@butler-portal/plugin-gitops-common';
import { contentHash, type DesiredObject } from '../../types';
import { vectorRenderStep } from '../vectorRenderStep';

export function pipelineYaml(
  namespace: string,
  name: string,
  options: { tag?: string; extraSink?: boolean } = {},
): string {
  return `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  owner: group:default/${namespace}
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
    tag:
      type: remap
      inputs:
        - app
      options:
        source: '.pipeline = "${options.tag ?? name}"'
  sinks:
    out:
      type: console
      inputs:
        - tag
      options:
        encoding:
          codec: json
${
  options.extraSink
    ? `    copy:
      type: console
      inputs:
        - tag
      options:
        encoding:
          codec: text
`
    : ''
}`;
}

/** passes the Pipeline schema, fails Herald's type flow: metrics into a logs-only codec */
export function typeMismatchPipelineYaml(
  namespace: string,
  name: string,
): string {
  return `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  owner: group:default/${namespace}
  sources:
    host:
      type: host_metrics
  sinks:
    out:
      type: console
      inputs:
        - host
      options:
        encoding:
          codec: raw_message
`;
}

export const REPO_ROOT = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  '..',
  '..',
);

let validator: ValidateFunction | undefined;

/** vendor/vector/vector-config.schema.json (draft 2019-09), compiled once */
export function vectorConfigValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(
      fs.readFileSync(
        path.join(REPO_ROOT, 'vendor', 'vector', 'vector-config.schema.json'),
        'utf8',
      ),
    );
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

/** A Pipeline file through the Vector render step, as the reconciler would hand it to a target. */
export function desiredPipeline(
  namespace: string,
  name: string,
  text = pipelineYaml(namespace, name),
): DesiredObject {
  const parsed = parseResourceYaml(text);
  if (!parsed.ok) throw new Error('fixture does not parse');
  const ref = { kind: 'Pipeline' as const, namespace, name };
  const object = vectorRenderStep()(
    parsed.yaml.value as unknown as GitOpsResource,
    ref,
    { path: `pipelines/${namespace}/${name}.yaml`, content: text },
  );
  return { ref, object, hash: contentHash(object), revision: 'c0ffee' };
}
