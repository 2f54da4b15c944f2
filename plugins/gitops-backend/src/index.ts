/**
 * Butler Portal GitOps backend plugin: change requests over Git providers, Git smart HTTP for
 * local repositories, webhooks, and Git events on the events service.
 *
 * @packageDocumentation
 */
export { gitopsPlugin as default } from './plugin';
export { GITOPS_EVENTS_TOPIC } from './events/gitEvents';
