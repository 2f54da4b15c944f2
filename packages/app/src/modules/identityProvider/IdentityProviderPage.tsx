/*
 * The status page of sign-in from the management cluster's IdentityProvider: configured (and
 * through which issuer and client), broken with the reason the backend gives (a missing Secret,
 * an unreachable issuer, a field missing), or not set up. Anyone signed in may look: the status
 * holds no secret, and the people who can fix it are often signed in some other way.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { discoveryApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Button, Typography } from '@material-ui/core';
import {
  describeIdentityProvider,
  fetchIdentityProviderStatus,
  type IdentityProviderStatus,
} from '../signIn/identityProviderStatus';

export function IdentityProviderPage() {
  const discoveryApi = useApi(discoveryApiRef);
  const [status, setStatus] = useState<IdentityProviderStatus>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);

  const load = useCallback(() => {
    setLoading(true);
    fetchIdentityProviderStatus(discoveryApi)
      .then(
        s => {
          setStatus(s);
          setError(undefined);
        },
        (e: Error) => setError(e.message),
      )
      .finally(() => setLoading(false));
  }, [discoveryApi]);
  useEffect(load, [load]);

  const described = status && describeIdentityProvider(status);
  return (
    <Page themeId="tool">
      <Header
        title="Identity provider"
        subtitle="Sign-in from the management cluster's IdentityProvider"
      />
      <Content>
        {loading && <Progress />}
        {error && (
          <Typography color="error" role="alert">
            The status cannot be read: {error}
          </Typography>
        )}
        {status && described && (
          <InfoCard
            title={`Sign-in: ${described.state}`}
            action={
              <Button onClick={load} disabled={loading}>
                Check again
              </Button>
            }
          >
            <Typography
              role="status"
              color={described.state === 'broken' ? 'error' : 'textPrimary'}
              paragraph
            >
              {described.summary}
            </Typography>
            <StructuredMetadataTable
              metadata={{
                IdentityProvider: status.name ?? '—',
                Phase: status.phase,
                ...(status.issuer && { Issuer: status.issuer }),
                ...(status.clientId && { Client: status.clientId }),
                ...(status.reason && { Reason: status.reason }),
                ...(status.checkedAt && {
                  'Checked at': new Date(status.checkedAt).toLocaleString(),
                }),
              }}
            />
            {described.state !== 'configured' && (
              <Typography variant="body2" color="textSecondary">
                The other sign-in methods keep working meanwhile.
              </Typography>
            )}
          </InfoCard>
        )}
      </Content>
    </Page>
  );
}
