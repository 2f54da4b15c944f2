/**
 * Test fixtures for plugins built on this library, as the `testUtils` entry point
 * (`@butler-portal/plugin-gitops-react/testUtils`): only tests import it, so none of it reaches
 * an app bundle.
 *
 * @packageDocumentation
 */
export { aChange, aChangeDetail, JANE_DIFF, mockGitopsApi } from './fixtures';
export { installGraphLayoutStubs } from './graphLayoutStubs';
