/*
 * Health of one delivered pipeline, shared by the Vector targets: with Vector's API configured,
 * Healthy when Vector runs every component the delivered file configures (same ids and types);
 * otherwise Unknown, said so. A file delivered a moment ago may not be loaded yet (Vector
 * watches its config directory; a ConfigMap reaches the pod with the kubelet's next sync), so
 * missing components read Progressing within a grace period and Degraded after it: Vector
 * refuses a whole configuration it cannot load and keeps running the previous one.
 */
import type { ResourceHealth } from '../types';
import { deliveredComponents } from './vectorObject';
import type { VectorApiClient } from './vectorApi';

export const NO_VECTOR_API = 'no Vector API configured';

export async function deliveredPipelineHealth(
  api: VectorApiClient | undefined,
  delivered: { content: string; deliveredAt?: number } | undefined,
  graceMs: number,
): Promise<ResourceHealth> {
  if (!delivered) return { status: 'Missing', message: 'not delivered' };
  if (!api) return { status: 'Unknown', message: NO_VECTOR_API };
  let state;
  try {
    state = await api.state();
  } catch (error) {
    return { status: 'Unknown', message: (error as Error).message };
  }
  const wanted = deliveredComponents(delivered.content);
  const missing: string[] = [];
  const wrongType: string[] = [];
  for (const component of wanted) {
    const running = state.components.get(component.id);
    if (!running) missing.push(component.id);
    else if (
      running.type &&
      component.type &&
      running.type !== component.type
    ) {
      wrongType.push(
        `${component.id} (runs ${running.type}, delivered ${component.type})`,
      );
    }
  }
  if (!state.healthy) {
    return {
      status: 'Degraded',
      message: `Vector at ${api.url} reports itself unhealthy`,
    };
  }
  if (missing.length === 0 && wrongType.length === 0) {
    return {
      status: 'Healthy',
      message: `Vector runs all ${wanted.length} components`,
    };
  }
  const problems = [
    missing.length > 0 &&
      `${missing.length} of ${
        wanted.length
      } components not running in Vector: ${list(missing)}`,
    wrongType.length > 0 && `other type running: ${list(wrongType)}`,
  ]
    .filter(Boolean)
    .join('; ');
  const recent =
    delivered.deliveredAt !== undefined &&
    Date.now() - delivered.deliveredAt < graceMs;
  return recent
    ? {
        status: 'Progressing',
        message: `${problems} (delivered moments ago; Vector may not have loaded it yet)`,
      }
    : { status: 'Degraded', message: problems };
}

function list(items: string[]): string {
  return items.length > 5
    ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`
    : items.join(', ');
}
