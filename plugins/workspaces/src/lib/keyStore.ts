/*
 * The user's SSH public keys, kept in the user's StorageApi (bucket `workspaces`) to prefill
 * the create form. Only keys that pass the public-key check are ever kept: never a private key.
 */
import type { StorageApi } from '@backstage/frontend-plugin-api';
import { checkSshPublicKey } from '@butler-portal/plugin-gitops-common';

export const KEY_BUCKET = 'workspaces';
export const KEYS_KEY = 'sshPublicKeys';

export function loadSavedKeys(storageApi: StorageApi): string[] {
  const value = storageApi
    .forBucket(KEY_BUCKET)
    .snapshot<string[]>(KEYS_KEY).value;
  return Array.isArray(value)
    ? value.filter(k => typeof k === 'string' && checkSshPublicKey(k).ok)
    : [];
}

/** Keeps the accepted public keys among `keys`; returns how many were kept. */
export async function saveKeys(
  storageApi: StorageApi,
  keys: string[],
): Promise<number> {
  const accepted = keys.filter(k => checkSshPublicKey(k).ok);
  await storageApi.forBucket(KEY_BUCKET).set(KEYS_KEY, accepted);
  return accepted.length;
}
