export {
  boundedArchiveFetch,
  duplicateVersionIssues,
  keeperSourceIssues,
  providerSourceTree,
  repositoryIdOfUrl,
} from './keeperRules';
export type {
  KeeperArtifactType,
  KeeperSources,
  KeeperSourceTree,
  KeeperVersionFile,
} from './keeperRules';
