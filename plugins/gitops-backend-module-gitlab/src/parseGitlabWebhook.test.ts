import { InputError } from '@backstage/errors';
import {
  GitlabWebhookTokenError,
  parseGitlabWebhook,
} from './parseGitlabWebhook';

const SECRET = 's3cret-hook-token';
const project = { id: 42, path_with_namespace: 'butler/platform' };

/** Bodies trimmed from GitLab's documented webhook payloads. */
const pushBody = {
  object_kind: 'push',
  event_name: 'push',
  before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
  after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
  ref: 'refs/heads/main',
  checkout_sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
  user_username: 'alice',
  project_id: 42,
  project,
  total_commits_count: 1,
};

function mergeRequestBody(action: string, iid = 7) {
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: { id: 2, username: 'alice', name: 'Alice' },
    project,
    object_attributes: {
      id: 99,
      iid,
      action,
      state: 'opened',
      source_branch: 'b',
      target_branch: 'main',
    },
  };
}

function deliver(body: unknown, headers: Record<string, string | undefined>) {
  return parseGitlabWebhook({
    headers,
    rawBody: Buffer.from(JSON.stringify(body)),
    secretToken: SECRET,
  });
}

describe('parseGitlabWebhook', () => {
  it('turns a Push Hook into a push event', () => {
    expect(
      deliver(pushBody, {
        'x-gitlab-event': 'Push Hook',
        'x-gitlab-token': SECRET,
      }),
    ).toEqual({
      type: 'push',
      repository: 'butler/platform',
      branch: 'main',
      before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
      after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    });
  });

  it('accepts headers in any case', () => {
    expect(
      deliver(pushBody, {
        'X-Gitlab-Event': 'Push Hook',
        'X-Gitlab-Token': SECRET,
      })?.type,
    ).toBe('push');
  });

  it('rejects a delivery without a token', () => {
    const error = (() => {
      try {
        deliver(pushBody, { 'x-gitlab-event': 'Push Hook' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GitlabWebhookTokenError);
    expect(error).toMatchObject({
      name: 'AuthenticationError',
      reason: 'missing',
    });
  });

  it.each([['wrong'], [`${SECRET}x`], [SECRET.slice(0, -1)], ['']])(
    'rejects a forged token %j',
    token => {
      expect(() => deliver(pushBody, { 'x-gitlab-token': token })).toThrow(
        GitlabWebhookTokenError,
      );
    },
  );

  it('checks the token before reading the body', () => {
    expect(() =>
      parseGitlabWebhook({
        headers: { 'x-gitlab-token': 'forged' },
        rawBody: 'not json',
        secretToken: SECRET,
      }),
    ).toThrow(GitlabWebhookTokenError);
    expect(() =>
      parseGitlabWebhook({
        headers: { 'x-gitlab-token': SECRET },
        rawBody: 'not json',
        secretToken: SECRET,
      }),
    ).toThrow(InputError);
  });

  it('refuses to run without a configured secret', () => {
    expect(() =>
      parseGitlabWebhook({
        headers: { 'x-gitlab-token': '' },
        rawBody: '{}',
        secretToken: '',
      }),
    ).toThrow('secret token is not configured');
  });

  it.each([
    ['open', 'opened'],
    ['reopen', 'opened'],
    ['update', 'updated'],
    ['approved', 'reviewed'],
    ['unapproved', 'reviewed'],
    ['merge', 'merged'],
    ['close', 'closed'],
  ])('maps Merge Request Hook action %s to %s', (action, expected) => {
    expect(
      deliver(mergeRequestBody(action), {
        'x-gitlab-event': 'Merge Request Hook',
        'x-gitlab-token': SECRET,
      }),
    ).toEqual({
      type: 'change',
      repository: 'butler/platform',
      changeId: '7',
      action: expected,
    });
  });

  it('treats a note on a merge request as a review', () => {
    const body = {
      object_kind: 'note',
      project,
      object_attributes: {
        id: 5,
        note: '**Changes requested**',
        noteable_type: 'MergeRequest',
      },
      merge_request: { iid: 3 },
    };
    expect(
      deliver(body, {
        'x-gitlab-event': 'Note Hook',
        'x-gitlab-token': SECRET,
      }),
    ).toEqual({
      type: 'change',
      repository: 'butler/platform',
      changeId: '3',
      action: 'reviewed',
    });
  });

  it('ignores tag pushes, branch deletions and other events', () => {
    const headers = { 'x-gitlab-token': SECRET };
    expect(
      deliver(
        { ...pushBody, object_kind: 'tag_push', ref: 'refs/tags/v1' },
        headers,
      ),
    ).toBeUndefined();
    expect(
      deliver(
        { ...pushBody, after: '0000000000000000000000000000000000000000' },
        headers,
      ),
    ).toBeUndefined();
    expect(deliver({ object_kind: 'issue', project }, headers)).toBeUndefined();
  });

  it('maps the project to a configured repository', () => {
    const repository = ({ pathWithNamespace }: { pathWithNamespace: string }) =>
      pathWithNamespace === 'butler/platform' ? 'platform' : undefined;
    expect(
      parseGitlabWebhook({
        headers: { 'x-gitlab-token': SECRET },
        rawBody: JSON.stringify(pushBody),
        secretToken: SECRET,
        repository,
      }),
    ).toMatchObject({ repository: 'platform' });
    expect(
      parseGitlabWebhook({
        headers: { 'x-gitlab-token': SECRET },
        rawBody: JSON.stringify({
          ...pushBody,
          project: { id: 9, path_with_namespace: 'other/repo' },
        }),
        secretToken: SECRET,
        repository,
      }),
    ).toBeUndefined();
    expect(
      parseGitlabWebhook({
        headers: { 'x-gitlab-token': SECRET },
        rawBody: JSON.stringify(mergeRequestBody('merge')),
        secretToken: SECRET,
        repository: 'fixed',
      }),
    ).toMatchObject({ repository: 'fixed', action: 'merged' });
  });

  it('rejects a body without a project', () => {
    expect(() =>
      deliver(
        { object_kind: 'push', ref: 'refs/heads/main', after: 'abc' },
        { 'x-gitlab-token': SECRET },
      ),
    ).toThrow('GitLab webhook body has no project');
  });
});
