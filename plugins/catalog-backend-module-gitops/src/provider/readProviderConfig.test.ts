import { ConfigReader } from '@backstage/config';
import { readProviderConfig } from './readProviderConfig';

describe('readProviderConfig', () => {
  it('polls every 30 seconds and re-reads open changes every 5 minutes by default', () => {
    expect(
      readProviderConfig(
        new ConfigReader({ app: { baseUrl: 'http://localhost:3000' } }),
      ),
    ).toEqual({
      schedule: {
        frequency: { seconds: 30 },
        timeout: { minutes: 3 },
        scope: 'local',
      },
      openChangesRefreshMs: 300_000,
      appBaseUrl: 'http://localhost:3000',
    });
  });

  it('reads the schedule and the open changes refresh, and always polls on every instance', () => {
    const config = new ConfigReader({
      app: { baseUrl: 'https://portal.example.com' },
      catalog: {
        providers: {
          gitops: {
            schedule: {
              frequency: { minutes: 2 },
              timeout: { seconds: 50 },
              scope: 'global',
            },
            openChangesRefresh: { minutes: 1 },
          },
        },
      },
    });
    expect(readProviderConfig(config)).toEqual({
      schedule: {
        frequency: { minutes: 2 },
        timeout: { seconds: 50 },
        scope: 'local',
      },
      openChangesRefreshMs: 60_000,
      appBaseUrl: 'https://portal.example.com',
    });
  });

  it('names the key of a malformed value', () => {
    const config = new ConfigReader({
      app: { baseUrl: 'http://localhost:3000' },
      catalog: {
        providers: { gitops: { openChangesRefresh: { fortnights: 1 } } },
      },
    });
    expect(() => readProviderConfig(config)).toThrow(/openChangesRefresh/);
  });
});
