/*
 * Helpers for testing the portal's deploy artifacts: the Helm chart rendered with the pinned
 * helm binary, and the app-config layers loaded as the backend loads them.
 */
export {
  CHART_DIR,
  HELM,
  findManifest,
  helm,
  lintChart,
  renderChart,
  templateChart,
} from './helm';
export type { ChartInput, HelmResult, Manifest } from './helm';
export {
  EMBEDDED_FILES,
  PRODUCTION_FILES,
  loadPortalConfig,
} from './portalConfig';
export { REPO_ROOT } from './repoRoot';
