/*
 * `catalog.providers.gitops` (and `app.baseUrl`), read once when the module starts. Every key is
 * optional: the repositories themselves come from `gitops.repositories` (one entity provider
 * each).
 *
 *   catalog:
 *     providers:
 *       gitops:
 *         schedule:                  # the poll, a fallback for missed push events
 *           frequency: { seconds: 30 }
 *           timeout: { minutes: 3 }
 *         openChangesRefresh: { minutes: 5 }   # how often a poll also re-reads open changes
 */
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { type Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

export interface GitOpsProviderConfig {
  /** the poll of every repository; runs on each backend instance (scope local) */
  schedule: SchedulerServiceTaskScheduleDefinition;
  openChangesRefreshMs: number;
  /** the portal frontend, where files of the local provider are viewed and edited */
  appBaseUrl: string;
}

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 3 },
};
const DEFAULT_OPEN_CHANGES_REFRESH_MS = 5 * 60_000;

/**
 * @throws Error naming the key when a value is malformed
 */
export function readProviderConfig(config: Config): GitOpsProviderConfig {
  const gitops = config.getOptionalConfig('catalog.providers.gitops');
  const schedule = gitops?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        gitops.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;
  const openChangesRefreshMs = gitops?.has('openChangesRefresh')
    ? durationToMilliseconds(
        readDurationFromConfig(gitops, { key: 'openChangesRefresh' }),
      )
    : DEFAULT_OPEN_CHANGES_REFRESH_MS;
  // each instance keeps its own last processed commit, so each instance polls (see README)
  return {
    schedule: { ...schedule, scope: 'local' },
    openChangesRefreshMs,
    appBaseUrl: config.getString('app.baseUrl'),
  };
}
