/**
 * Test helpers shared by the portal's packages, as the `testUtils` entry point
 * (`@butler-portal/plugin-gitops-common/testUtils`). Production code never imports this entry,
 * so none of it reaches a production bundle; tests import it instead of keeping copies.
 *
 * @packageDocumentation
 */
export { eventually } from './eventually';
export { rejectionOf } from './rejectionOf';
export { thrownBy } from './thrownBy';
