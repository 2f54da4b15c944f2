/*
 * People and files the sync tests commit with, so each test says only what differs.
 */

/** authors of the local repository's commits and reviews (two, since one may not approve itself) */
export const alice = {
  userRef: 'user:default/alice',
  name: 'Alice',
  email: 'alice@example.com',
};
export const bob = {
  userRef: 'user:default/bob',
  name: 'Bob',
  email: 'bob@example.com',
};

/** a valid Workspace file of team-a */
export function workspaceYaml(name: string, image = 'golang:1.23') {
  return `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name}
  namespace: team-a
spec:
  owner: alice@example.com
  clusterRef:
    name: team-a-dev
  image: ${image}
`;
}
