/*
 * For tests and the benchmark, in place of the gitops backend plugin: the gitProviders service
 * over a fixed list of repositories, and a plugin that publishes the providers' own events (the
 * local provider's merges) on the `butler.gitops` topic, as that plugin does.
 */
import {
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  type ChangeRepository,
  type GitEvent,
  gitProvidersServiceRef,
} from '@butler-portal/plugin-gitops-node';

/**
 * Hand `emit` to the providers as their `onEvent` before they exist; once they do, install
 * `factory(repositories)` as the gitProviders service. Subscribers (the relay) get every event.
 */
export function fixedGitProviders() {
  const listeners = new Set<(event: GitEvent) => void>();
  return {
    emit: (event: GitEvent) => listeners.forEach(listener => listener(event)),
    factory: (repositories: ChangeRepository[]) =>
      createServiceFactory({
        service: gitProvidersServiceRef,
        deps: {},
        factory: () => ({
          initialize: async () => {},
          ready: async () => {},
          factoryOf: () => undefined,
          useOwnerDirectory: () => {},
          list: () => repositories,
          get: (id: string) => repositories.find(r => r.id === id),
          onEvent(listener: (event: GitEvent) => void) {
            listeners.add(listener);
            return () => listeners.delete(listener);
          },
        }),
      }),
  };
}
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
