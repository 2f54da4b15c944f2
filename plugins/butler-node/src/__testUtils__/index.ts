/*
 * Test helpers shared by the butler packages' tests (butler-backend, the catalog and permission
 * modules, the terminal): realistic Butler objects with status, a client for any Butler kind,
 * and the CRDs of the inventory.
 */
export * from './butlerObjects';
