/*
 * A real public key for tests: gitops-common's validate() decodes the key data and checks its
 * embedded type, so made-up keys ("ssh-ed25519 AAAA jane") are refused. Read from the fixture
 * made once with ssh-keygen (its private half was not kept), so there is one copy of it.
 */
import { readFileSync } from 'fs';
import { resolve } from 'path';

export const ED25519_KEY = readFileSync(
  resolve(
    __dirname,
    '../../../gitops-common/src/validation/__fixtures__/ssh/ed25519.pub',
  ),
  'utf8',
).trim();
