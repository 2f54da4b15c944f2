/*
 * Which events make which providers sync. Three sources, all already verified by whoever
 * published them (nothing here trusts a payload beyond choosing what to re-read):
 *
 *   butler.gitops                 GitEvents of the portal: the local provider's merges and
 *                                 pushes, and webhooks received at /api/gitops/webhooks/:repository
 *   github.push, github.pull_request*
 *                                 deliveries to the events backend's GitHub ingress
 *                                 (/api/events/http/github, x-hub-signature-256 checked)
 *   gitlab.push, gitlab.merge_request
 *                                 deliveries to its GitLab ingress (/api/events/http/gitlab,
 *                                 X-Gitlab-Token checked)
 *
 * An event only says "look again": the provider reads the head of the default branch itself,
 * so a delivery for another repository or branch costs one head lookup and changes nothing.
 */
import type { EventParams } from '@backstage/plugin-events-node';
import {
  GITOPS_EVENTS_TOPIC,
  type GitEvent,
  type GitProviderType,
} from '@butler-portal/plugin-gitops-node';
import type { SyncRequest } from '../provider/GitOpsEntityProvider';

export { GITOPS_EVENTS_TOPIC };

/** Every topic the module listens to. */
export const SYNC_TOPICS: readonly string[] = [
  GITOPS_EVENTS_TOPIC,
  'github.push',
  'github.pull_request',
  'github.pull_request_review',
  'gitlab.push',
  'gitlab.merge_request',
];

export interface SyncTrigger {
  /** the repository id, or every repository of a provider type (Git host deliveries) */
  target: { repository: string } | { providerType: GitProviderType };
  request: SyncRequest;
}

function isGitEvent(payload: unknown): payload is GitEvent {
  const event = payload as Partial<GitEvent> | undefined;
  return (
    typeof event === 'object' &&
    event !== null &&
    (event.type === 'push' || event.type === 'change') &&
    typeof event.repository === 'string'
  );
}

/** What an event asks for; undefined for events that need no sync. */
export function syncTriggerOfEvent(
  params: EventParams,
): SyncTrigger | undefined {
  const { topic, eventPayload } = params;
  if (topic === GITOPS_EVENTS_TOPIC) {
    if (!isGitEvent(eventPayload)) return undefined;
    return {
      target: { repository: eventPayload.repository },
      // a merge also moves the default branch; its push event brings the content
      request: { changes: eventPayload.type === 'change' },
    };
  }
  const [host, event] = topic.split('.', 2);
  if (host !== 'github' && host !== 'gitlab') return undefined;
  return {
    target: { providerType: host },
    request: { changes: event !== 'push' },
  };
}
