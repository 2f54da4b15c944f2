import { syncTriggerOfEvent, SYNC_TOPICS } from './syncTriggerOfEvent';

describe('syncTriggerOfEvent', () => {
  it('syncs the repository of a portal push event', () => {
    expect(
      syncTriggerOfEvent({
        topic: 'butler.gitops',
        eventPayload: {
          type: 'push',
          repository: 'platform',
          branch: 'main',
          after: 'a'.repeat(40),
        },
      }),
    ).toEqual({
      target: { repository: 'platform' },
      request: { changes: false },
    });
  });

  it('re-reads the open changes of the repository of a portal change event', () => {
    expect(
      syncTriggerOfEvent({
        topic: 'butler.gitops',
        eventPayload: {
          type: 'change',
          repository: 'platform',
          changeId: '4',
          action: 'opened',
        },
      }),
    ).toEqual({
      target: { repository: 'platform' },
      request: { changes: true },
    });
  });

  it('ignores portal events that are not GitEvents', () => {
    for (const eventPayload of [
      undefined,
      null,
      'push',
      { type: 'push' },
      { type: 'other', repository: 'x' },
    ]) {
      expect(
        syncTriggerOfEvent({ topic: 'butler.gitops', eventPayload }),
      ).toBeUndefined();
    }
  });

  it('syncs every repository of the Git host for deliveries of the events backend', () => {
    expect(
      syncTriggerOfEvent({ topic: 'github.push', eventPayload: {} }),
    ).toEqual({
      target: { providerType: 'github' },
      request: { changes: false },
    });
    expect(
      syncTriggerOfEvent({ topic: 'github.pull_request', eventPayload: {} }),
    ).toEqual({
      target: { providerType: 'github' },
      request: { changes: true },
    });
    expect(
      syncTriggerOfEvent({ topic: 'gitlab.push', eventPayload: {} }),
    ).toEqual({
      target: { providerType: 'gitlab' },
      request: { changes: false },
    });
    expect(
      syncTriggerOfEvent({ topic: 'gitlab.merge_request', eventPayload: {} }),
    ).toEqual({
      target: { providerType: 'gitlab' },
      request: { changes: true },
    });
  });

  it('has a trigger for every topic it subscribes to, and none for others', () => {
    const payload = {
      type: 'push',
      repository: 'platform',
      branch: 'main',
      after: 'a',
    };
    for (const topic of SYNC_TOPICS) {
      expect(
        syncTriggerOfEvent({ topic, eventPayload: payload }),
      ).toBeDefined();
    }
    expect(
      syncTriggerOfEvent({
        topic: 'bitbucketCloud.push',
        eventPayload: payload,
      }),
    ).toBeUndefined();
    expect(
      syncTriggerOfEvent({ topic: 'catalog.errors', eventPayload: payload }),
    ).toBeUndefined();
  });
});
