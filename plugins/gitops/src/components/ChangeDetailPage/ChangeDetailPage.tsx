/*
 * One change request: what it changes (description, files as diffs), whether it may merge
 * (reviews, checks, validation, mergeability) and, for the local provider, the review and merge
 * actions. GitHub and GitLab changes link out: reviews happen there.
 */
import {
  Content,
  Header,
  HeaderLabel,
  InfoCard,
  Link,
  LinkButton,
  MarkdownContent,
  Page,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { useParams } from 'react-router-dom';
import { DEFAULT_NAMESPACE, parseEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { formatIssue } from '@butler-portal/plugin-gitops-common';
import {
  ApprovalStatus,
  ChangeDetail,
  ChangeStateChip,
  ChangeSyncStatus,
  ChecksStatus,
  describeResource,
  gitopsApiRef,
  MergeableStatus,
  PROVIDER_NAMES,
  RelativeTime,
  Review,
  ReviewDecision,
  rootRouteRef,
} from '@butler-portal/plugin-gitops-react';
import { DiffView } from '../DiffView';
import { ChangeActions } from './ChangeActions';
import { withoutEmbeddedDiff } from './withoutEmbeddedDiff';

/** 400 (not a change id) or 404 (no such change), as opposed to a server or network failure */
function isClientError(error: Error): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * `user:default/guest` → `guest`, as the catalog shows people; another namespace stays in the
 * name, and an author that is no entity ref (a provider login) is shown as it is.
 */
export function reviewerName(author: string): string {
  if (!author.includes(':')) return author;
  try {
    const ref = parseEntityRef(author);
    if (ref.kind.toLowerCase() !== 'user') return author;
    return ref.namespace === DEFAULT_NAMESPACE
      ? ref.name
      : `${ref.namespace}/${ref.name}`;
  } catch {
    return author;
  }
}

const DECISIONS: Record<ReviewDecision, string> = {
  approve: 'approved',
  request_changes: 'requested changes',
  comment: 'commented',
};

function ReviewList({ change }: { change: ChangeDetail }) {
  if (change.reviews.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No reviews yet.
      </Typography>
    );
  }
  return (
    <>
      {change.reviews.map((review: Review) => {
        const stale = review.commitSha && review.commitSha !== change.headSha;
        return (
          <Box key={review.id} mt={1}>
            <Typography variant="body2">
              <strong title={review.author}>
                {reviewerName(review.author)}
              </strong>{' '}
              {DECISIONS[review.decision]}{' '}
              <RelativeTime iso={review.submittedAt} />
              {stale ? ' (on an earlier commit)' : ''}
            </Typography>
            {review.comment && (
              <Typography variant="body2" color="textSecondary">
                {review.comment}
              </Typography>
            )}
          </Box>
        );
      })}
    </>
  );
}

function ValidationResult({ change }: { change: ChangeDetail }) {
  const { ok, issues } = change.validation;
  if (ok && issues.length === 0) return <StatusOK>Valid</StatusOK>;
  return (
    <>
      <StatusError>
        {issues.length} validation issue{issues.length === 1 ? '' : 's'}
      </StatusError>
      <List dense disablePadding>
        {issues.map((issue, index) => (
          <ListItem key={index} disableGutters>
            <Typography
              variant="body2"
              component="code"
              style={{ fontFamily: 'monospace' }}
              data-testid="validation-issue"
            >
              {formatIssue(issue)}
            </Typography>
          </ListItem>
        ))}
      </List>
    </>
  );
}

function ChangeBody({
  change,
  onChanged,
}: {
  change: ChangeDetail;
  onChanged: () => void;
}) {
  const providerName = PROVIDER_NAMES[change.provider] ?? change.provider;
  const reviewedHere = change.state === 'open' && change.provider === 'local';
  const gitopsApi = useApi(gitopsApiRef);
  const merged = change.state === 'merged';
  const sync = useAsync(
    async () => (merged ? gitopsApi.getSyncStatus() : undefined),
    [gitopsApi, merged],
  );
  // the files below show the diff; the copy embedded for GitHub/GitLab readers would repeat it
  const description =
    change.files.length > 0
      ? withoutEmbeddedDiff(change.description)
      : change.description;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={8}>
        <InfoCard title="Description">
          {description ? (
            <MarkdownContent content={description} />
          ) : (
            <Typography variant="body2" color="textSecondary">
              No description.
            </Typography>
          )}
          {change.resources.length > 0 && (
            <Typography variant="body2" color="textSecondary">
              Resources: {change.resources.map(describeResource).join(', ')}
            </Typography>
          )}
        </InfoCard>
        {change.files.map(file => (
          <Box key={file.path} mt={3}>
            <InfoCard title={file.path} subheader={file.status}>
              {file.diffTooLarge ? (
                <Typography variant="body2" color="textSecondary">
                  Diff too large to show here; open the file in the repository to review it.
                </Typography>
              ) : (
                <DiffView diff={file.diff} />
              )}
            </InfoCard>
          </Box>
        ))}
      </Grid>
      <Grid item xs={12} md={4}>
        <InfoCard
          title={change.state === 'open' ? 'Review and merge' : 'State'}
        >
          {reviewedHere ? (
            // the actions say why Merge is disabled; the status would repeat it
            <ChangeActions change={change} onChanged={onChanged} />
          ) : (
            <Box mb={2}>
              <MergeableStatus change={change} />
            </Box>
          )}
          {change.url && (
            <Button
              variant="outlined"
              color="primary"
              href={change.url}
              target="_blank"
              rel="noopener noreferrer"
            >
              Open in {providerName}
            </Button>
          )}
          {change.mergeCommitSha && (
            <Typography variant="body2" color="textSecondary">
              Merge commit {change.mergeCommitSha.slice(0, 12)}
            </Typography>
          )}
          {merged && (
            <Box mt={2}>
              <Typography variant="subtitle2">Sync</Typography>
              {sync.error && (
                <Typography variant="body2" color="textSecondary">
                  Could not load the sync status: {sync.error.message}
                </Typography>
              )}
              {sync.value && (
                <ChangeSyncStatus change={change} targets={sync.value} />
              )}
              {!sync.loading &&
                !sync.error &&
                !sync.value?.some(t => t.repository === change.repository) && (
                  <Typography variant="body2" color="textSecondary">
                    Not synced: repository {change.repository} has no sync
                    targets.
                  </Typography>
                )}
            </Box>
          )}
        </InfoCard>
        <Box mt={3}>
          <InfoCard title="Reviews">
            <Box mb={1}>
              <ApprovalStatus change={change} />
            </Box>
            <ReviewList change={change} />
          </InfoCard>
        </Box>
        <Box mt={3}>
          <InfoCard title="Validation">
            <ValidationResult change={change} />
          </InfoCard>
        </Box>
        <Box mt={3}>
          <InfoCard title="Checks">
            <ChecksStatus checks={change.checks} />
          </InfoCard>
        </Box>
      </Grid>
    </Grid>
  );
}

export function ChangeDetailPage() {
  const { id = '' } = useParams();
  const gitopsApi = useApi(gitopsApiRef);
  const changesLink = useRouteRef(rootRouteRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => gitopsApi.getChange(id),
    [gitopsApi, id],
  );

  let content;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = (
      <>
        <ResponseErrorPanel
          title={`Could not load change ${id}: ${error.message}`}
          error={error}
        />
        <Box mt={2}>
          {isClientError(error) ? (
            // a wrong or unknown id does not get better by retrying
            changesLink && (
              <LinkButton variant="outlined" color="primary" to={changesLink()}>
                All changes
              </LinkButton>
            )
          ) : (
            <Button variant="outlined" color="primary" onClick={retry}>
              Retry
            </Button>
          )}
        </Box>
      </>
    );
  } else if (value) {
    content = <ChangeBody change={value} onChanged={retry} />;
  }

  return (
    <Page themeId="tool">
      <Header
        title={value?.title ?? id}
        subtitle={
          value
            ? `${value.repository}#${value.number} · ${value.branch} → ${value.targetBranch} · opened by ${value.author.name}`
            : undefined
        }
        type="Changes"
        typeLink={changesLink?.()}
      >
        {value && (
          <>
            <HeaderLabel
              label="State"
              value={<ChangeStateChip state={value.state} />}
            />
            <HeaderLabel
              label="Opened"
              value={<RelativeTime iso={value.createdAt} />}
            />
            <HeaderLabel
              label="Provider"
              value={
                value.url ? (
                  <Link to={value.url}>
                    {PROVIDER_NAMES[value.provider] ?? value.provider}
                  </Link>
                ) : (
                  PROVIDER_NAMES[value.provider] ?? value.provider
                )
              }
            />
          </>
        )}
      </Header>
      <Content>{content}</Content>
    </Page>
  );
}
