/*
 * `butler-gitops render --vector`: the Vector configuration the reconciler's Vector targets
 * deliver, from the reconciler's own desiredState() with its Vector render step (Herald rules
 * first; a pipeline with errors is refused, as the reconciler refuses it). Each pipeline is one
 * YAML document, exactly the bytes of the file a `vector-directory` target writes (and the
 * value of its key in a `vector-configmap`), in file name order.
 */
import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';
import {
  VECTOR_KINDS,
  vectorRenderStep,
} from '@butler-portal/plugin-reconciler-node';
import { UsageError } from '../errors';

/** The desiredState() options of `render --vector`. */
export function vectorRenderOptions(requestedKinds: string[]) {
  if (requestedKinds.length > 0) {
    throw new UsageError('--vector renders Pipelines only; leave out --kind');
  }
  return { kinds: [...VECTOR_KINDS], render: vectorRenderStep() };
}

/** `---`-separated delivered files, each preceded by nothing but its own header comments. */
export function renderVectorFiles(objects: readonly GitOpsResource[]): string {
  return objects
    .map(o => o.spec as { fileName: string; content: string })
    // code-unit order; file names are unique (one per namespace and name)
    .sort((a, b) => (a.fileName < b.fileName ? -1 : 1))
    .map(file => `---\n# ${file.fileName}\n${file.content}`)
    .join('');
}
