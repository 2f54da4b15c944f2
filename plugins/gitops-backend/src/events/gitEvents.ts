/*
 * Git events on the Backstage events service: verified webhooks from GitHub/GitLab and the local
 * providers' own events all arrive on one topic, so the catalog providers and the reconciler
 * subscribe once whatever the provider.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  GITOPS_EVENTS_TOPIC,
  type GitEvent,
} from '@butler-portal/plugin-gitops-node';

export { GITOPS_EVENTS_TOPIC };

/** Publishes without throwing: a lost notification must not fail the write that caused it. */
export async function publishGitEvent(
  events: EventsService,
  event: GitEvent,
  logger: LoggerService,
): Promise<void> {
  try {
    await events.publish({ topic: GITOPS_EVENTS_TOPIC, eventPayload: event });
  } catch (error) {
    logger.warn(
      `could not publish ${event.type} event of repository ${event.repository}: ${error}`,
    );
  }
}
