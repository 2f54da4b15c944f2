/*
 * Test helpers other packages' tests share (the catalog module): realistic Butler objects with
 * status, a client for any Butler kind, and the CRDs of the inventory.
 */
export * from '@butler-portal/plugin-butler-node/testUtils';
