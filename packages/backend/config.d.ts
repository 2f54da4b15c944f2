/*
 * Config keys the Butler Portal host adds (plugins declare their own in their config.d.ts).
 */
export interface Config {
  butlerPortal?: {
    /**
     * Folder that holds all state of the embedded defaults: local Git repositories, rendered
     * manifests and the Vector config directory. Relative paths resolve against the backend's
     * working directory (packages/backend when started with `npm start`).
     * Defaults to `../../.data` (the checkout's git-ignored `.data/`).
     */
    dataDir?: string;
  };
}
