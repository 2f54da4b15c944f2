/*
 * Configuration of the gitops backend plugin (read once by readGitopsConfig in gitops-node and src/sync/readSyncConfig.ts).
 */
export interface Config {
  gitops?: {
    /**
     * Folder holding the repo layouts (`<layoutsDir>/<layout>`) that seed new local repositories.
     * Relative paths resolve against the backend's working directory. Default `../../repo-layouts`.
     */
    layoutsDir?: string;
    /** The /git route (Git smart HTTP to local repositories). */
    git?: {
      /** Largest pack one `git push` may send, in bytes; a larger push is refused before any ref moves. Default 104857600 (100 MiB). */
      maxPushBytes?: number;
      /** Whether the author of an open change request may force-push its source branch. Default false: what reviewers saw stays in the history. */
      allowForcePushToChanges?: boolean;
    };
    /** The GitOps repositories; each is served by one Git provider. */
    repositories?: Array<{
      /** Repository id used in the API and in change ids (`<id>:<number>`); a DNS-1123 label. */
      id: string;
      /** Which Git provider serves the repository. */
      provider: 'local' | 'github' | 'gitlab';
      /** Kinds whose files this repository holds (kind names); default all kinds. */
      kinds?: string[];
      /** Approvals a change needs (local provider; GitHub/GitLab use their own rules when they have them). Default 1. */
      requiredApprovals?: number;
      /** local: a change's author may approve it. Meant for the single-user embedded default. Default false. */
      allowSelfApproval?: boolean;
      /** local: `<layoutsDir>/<layout>` seeds the repository when it is first created. */
      layout?: string;
      /** local: the bare repository folder. Default `<butlerPortal.dataDir>/repos/<id>.git`. */
      dir?: string;
      /** local: default branch of a new repository. Default `main`. */
      defaultBranch?: string;
      /** github/gitlab: host of the integration (`integrations.github[]` / `integrations.gitlab[]`). */
      host?: string;
      /** github: owner (organisation or user) of the repository. */
      owner?: string;
      /** github: repository name. */
      repo?: string;
      /** gitlab: project path, e.g. `platform/workspaces`. */
      project?: string;
      /**
       * github: the webhook secret (signature check); gitlab: the hook's secret token.
       * @visibility secret
       */
      webhookSecret?: string;
      /**
       * Where the reconciler applies the merged default branch (read by src/sync/readSyncConfig.ts).
       * Without it the repository is not synced. Only the `applied` kinds are synced.
       */
      sync?: {
        /** One scheduled task (global scope) per target. */
        targets?: Array<{
          /**
           * `directory`: rendered manifests in a folder; `kubernetes`: server-side apply to a cluster;
           * `vector-directory`: Pipelines rendered to a Vector config directory (one file per pipeline);
           * `vector-configmap`: Pipelines rendered into one ConfigMap for the Vector Helm chart's `existingConfigMaps`.
           */
          type: 'directory' | 'kubernetes' | 'vector-directory' | 'vector-configmap';
          /** Target name in /sync and the task id (DNS-1123 label). Default the type. */
          name?: string;
          /**
           * directory: the folder. Default `<butlerPortal.dataDir>/manifests/<repository id>`.
           * vector-directory: the Vector config directory. Default `<butlerPortal.dataDir>/vector/<repository id>`.
           */
          root?: string;
          /** vector-*: Vector's API (e.g. `http://127.0.0.1:8686`), for per-pipeline health; without it health is Unknown. */
          vectorApiUrl?: string;
          /** vector-configmap: the ConfigMap (listed in the Vector Helm chart's `existingConfigMaps`). */
          configMap?: { name: string; namespace: string };
          /** vector-configmap: name of a `kubernetes` target of this repository whose connection to use. */
          connection?: string;
          /** kubernetes, vector-configmap: a kubeconfig file. Default the usual kubeconfig lookup. */
          kubeconfigPath?: string;
          /** kubernetes: the kubeconfig context. Default the current context. */
          context?: string;
          /** kubernetes: use the pod's service account. */
          inCluster?: boolean;
        }>;
        /** Deletions one sync may make; more are held back and reported. Default 10. */
        maxDeletionsPerSync?: number;
        /** Re-apply objects changed in the target outside Git. Default true. */
        selfHeal?: boolean;
        /**
         * How often to poll the default branch (a push to it triggers a sync at once anyway).
         * Default { seconds: 30 }.
         */
        pollInterval?: { [unit: string]: number } | string;
        /**
         * How often a poll at an unchanged, synced commit still compares the whole tree with
         * the target (finds drift; re-applies it with selfHeal). Polls in between read only the
         * head of the default branch and the stored state. Default { minutes: 5 }.
         */
        driftInterval?: { [unit: string]: number } | string;
      };
    }>;
  };
}
