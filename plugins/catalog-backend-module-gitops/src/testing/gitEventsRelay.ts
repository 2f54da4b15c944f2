/*
 * For tests and the benchmark, in place of the gitops backend plugin: publishes the providers'
 * own events (the local provider's merges) on the `butler.gitops` topic, as that plugin does.
 */
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { gitProvidersServiceRef } from '@butler-portal/plugin-gitops-node';
import { GITOPS_EVENTS_TOPIC } from '../events/syncTriggerOfEvent';

export const gitEventsRelay = createBackendPlugin({
  pluginId: 'gitops',
  register(env) {
    env.registerInit({
      deps: { events: eventsServiceRef, gitProviders: gitProvidersServiceRef },
      async init({ events, gitProviders }) {
        gitProviders.onEvent(event => {
          void events.publish({
            topic: GITOPS_EVENTS_TOPIC,
            eventPayload: event,
          });
        });
      },
    });
  },
});
