/*
 * Registry tokens: read-only credentials for terraform/tofu, helm and OPA, scoped to artifact
 * namespaces. The secret is shown once, right after creating (the backend keeps only its hash).
 */
import {
  CopyTextButton,
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import type { CreatedRegistryToken } from '@butler-portal/plugin-registry-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { registryApiRef } from '../api';
import { rootRouteRef } from '../routes';

// a token name is a label for people; the namespaces are artifact namespaces (DNS labels)
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function parseNamespaces(text: string): {
  namespaces: string[];
  problem?: string;
} {
  const namespaces = [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map(s => s.trim())
        .filter(Boolean),
    ),
  ];
  if (namespaces.length === 0) {
    return { namespaces, problem: 'name at least one artifact namespace' };
  }
  const bad = namespaces.find(n => !NAMESPACE.test(n));
  return bad
    ? {
        namespaces,
        problem: `${JSON.stringify(
          bad,
        )} is not a namespace (lower-case letters, digits and "-")`,
      }
    : { namespaces };
}

export function TokensPage() {
  const registryApi = useApi(registryApiRef);
  const rootLink = useRouteRef(rootRouteRef);
  const tokens = useAsyncRetry(() => registryApi.listTokens(), [registryApi]);
  const [name, setName] = useState('');
  const [namespacesText, setNamespacesText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<CreatedRegistryToken>();
  const parsed = parseNamespaces(namespacesText);
  // the backend's limits (POST /tokens), said before sending
  let nameProblem: string | undefined;
  if (!name.trim()) nameProblem = 'a name is required';
  else if (name.length > 100) nameProblem = 'a name is at most 100 characters';

  const create = async () => {
    setSubmitted(true);
    if (nameProblem || parsed.problem) return;
    setBusy(true);
    setError(undefined);
    try {
      setCreated(
        await registryApi.createToken({
          name: name.trim(),
          namespaces: parsed.namespaces,
        }),
      );
      setName('');
      setNamespacesText('');
      setSubmitted(false);
      tokens.retry();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await registryApi.revokeToken(id);
      tokens.retry();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const list = () => {
    if (tokens.loading && !tokens.value) return <Progress />;
    if (tokens.error) return <ResponseErrorPanel error={tokens.error} />;
    if (!tokens.value?.length) {
      return (
        <EmptyState
          missing="data"
          title="No registry tokens"
          description="Create one for CI or for your terraform, helm or OPA configuration."
        />
      );
    }
    return (
      <Table size="small" aria-label="Registry tokens">
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            {/* a team admin also sees (and may revoke) tokens of their team's namespaces */}
            <TableCell>Owner</TableCell>
            <TableCell>Namespaces</TableCell>
            <TableCell>Created</TableCell>
            <TableCell>Last used</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {tokens.value.map(t => (
            <TableRow key={t.id}>
              <TableCell>{t.name}</TableCell>
              <TableCell>{t.owner.replace(/^user:(default\/)?/, '')}</TableCell>
              <TableCell>{t.namespaces.join(', ')}</TableCell>
              <TableCell>{t.createdAt}</TableCell>
              <TableCell>{t.lastUsedAt ?? 'never'}</TableCell>
              <TableCell>
                {t.revokedAt ? (
                  `revoked ${t.revokedAt}`
                ) : (
                  <Button
                    size="small"
                    aria-label={`Revoke ${t.name}`}
                    onClick={() => revoke(t.id)}
                  >
                    Revoke
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  };

  return (
    <Page themeId="tool">
      <Header title="Registry tokens" type="Registry" typeLink={rootLink?.()} />
      <Content>
        <ContentHeader title="Create a token" />
        <TextField
          id="registry-name"
          label="Name"
          margin="dense"
          value={name}
          onChange={e => setName(e.target.value)}
          error={submitted && Boolean(nameProblem)}
          helperText={submitted ? nameProblem : 'e.g. ci-team-a'}
        />{' '}
        <TextField
          id="registry-namespaces"
          label="Namespaces"
          margin="dense"
          value={namespacesText}
          onChange={e => setNamespacesText(e.target.value)}
          error={submitted && Boolean(parsed.problem)}
          helperText={
            submitted && parsed.problem
              ? parsed.problem
              : 'artifact namespaces, separated by commas'
          }
        />{' '}
        <Button
          variant="contained"
          color="primary"
          disabled={busy}
          onClick={create}
        >
          Create token
        </Button>
        {error && (
          <Typography color="error" role="alert">
            {error}
          </Typography>
        )}
        {created && (
          <div role="status">
            <Typography>
              Token <strong>{created.name}</strong>: copy it now, it is not
              shown again.
            </Typography>
            <code data-testid="created-token">{created.token}</code>
            <CopyTextButton text={created.token} />
          </div>
        )}
        <ContentHeader title="Your tokens" />
        {list()}
      </Content>
    </Page>
  );
}
