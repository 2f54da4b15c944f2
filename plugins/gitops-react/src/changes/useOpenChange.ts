/*
 * Opening a change request from a dialog: one idempotency key per dialog (a retried click
 * returns the change the first one opened), busy while it is on its way, the error to show.
 */
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  OpenChangeRequest,
  OpenedChange,
} from '@butler-portal/plugin-gitops-common';
import { useState } from 'react';
import { gitopsApiRef } from '../api';
import { newIdempotencyKey } from './idempotency';

export function useOpenChange(onOpened: (change: OpenedChange) => void) {
  const gitopsApi = useApi(gitopsApiRef);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const open = async (request: OpenChangeRequest) => {
    setBusy(true);
    setError(undefined);
    try {
      onOpened(await gitopsApi.openChange(request, { idempotencyKey }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { open, busy, error };
}
