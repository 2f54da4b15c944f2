/*
 * The people of the tests, as the catalog and git know them: user ref, display name, email.
 * GitHub and GitLab tests add the person's own token (`{ ...bob, scmToken: 'bob-token' }`).
 */
import type { Actor } from '../provider/types';

function person(login: string, name: string): Actor {
  return {
    userRef: `user:default/${login}`,
    name,
    email: `${login}@example.com`,
  };
}

export const alice = person('alice', 'Alice');
export const bob = person('bob', 'Bob');
export const carol = person('carol', 'Carol');
export const guest = person('guest', 'Guest');
export const jane = person('jane', 'Jane Doe');
