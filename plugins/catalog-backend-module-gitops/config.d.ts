/*
 * Configuration of the GitOps catalog module. The repositories come from `gitops.repositories`
 * (one entity provider each); this section only tunes how they are read.
 */
import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';

export interface Config {
  catalog?: {
    providers?: {
      gitops?: {
        /**
         * The poll of each repository's default branch, a fallback for missed push events.
         * Default every 30 seconds, timeout 3 minutes. Runs on every backend instance.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * How often a poll also re-reads the open change requests (change events refresh them at
         * once). Default 5 minutes.
         */
        openChangesRefresh?: HumanDuration | string;
      };
    };
  };
}
