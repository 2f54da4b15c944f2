/*
 * "Which version would `~> 1.4` get?": a range checked while typing (the same node-semver rules
 * as the backend), resolved by the backend against the merged, not yanked versions.
 */
import { useApi } from '@backstage/frontend-plugin-api';
import { rangeProblem } from '@butler-portal/plugin-registry-common';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { registryApiRef } from '../api';

export function ResolveRange(props: { namespace: string; name: string }) {
  const registryApi = useApi(registryApiRef);
  const [range, setRange] = useState('');
  const [answer, setAnswer] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const problem = range ? rangeProblem(range) : undefined;

  const resolve = async () => {
    setAnswer(undefined);
    setError(undefined);
    if (!range || problem) return;
    setBusy(true);
    try {
      const { version } = await registryApi.resolveRange({
        namespace: props.namespace,
        name: props.name,
        range,
      });
      setAnswer(`${range} resolves to ${version}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <TextField
        id="registry-resolve-range"
        label="Version range"
        margin="dense"
        value={range}
        onChange={e => setRange(e.target.value)}
        error={Boolean(problem)}
        helperText={problem ?? 'e.g. ^1.4.0 or ~1.4'}
      />{' '}
      <Button
        size="small"
        onClick={resolve}
        disabled={!range || !!problem || busy}
      >
        {busy ? 'Resolving…' : 'Resolve'}
      </Button>
      {answer && <Typography role="status">{answer}</Typography>}
      {error && (
        <Typography color="error" role="alert">
          {error}
        </Typography>
      )}
    </>
  );
}
