/*
 * The "Pipeline" tab of Pipeline catalog entities: the graph and the rendered Vector
 * configuration of the spec the catalog holds (the file as merged).
 */
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyResource } from '@butler-portal/plugin-gitops-common';
import { useMemo } from 'react';
import { PipelineView } from '../components/PipelineView';

/** The resource a Pipeline entity was made from (the module keeps its spec unchanged). */
export function entityYaml(entity: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: unknown;
}): string {
  return stringifyResource({
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata: { name: entity.metadata.name, namespace: entity.metadata.namespace ?? 'default' },
    spec: entity.spec ?? {},
  });
}

export function PipelineEntityContent() {
  const { entity } = useEntity();
  const yaml = useMemo(() => entityYaml(entity as any), [entity]);
  return <PipelineView yaml={yaml} />;
}
