import { ConfigReader } from '@backstage/config';
import { readRegistryConfig } from './config';

describe('readRegistryConfig', () => {
  it('has safe defaults: no anonymous read, 5 minute URLs, a random key', () => {
    const a = readRegistryConfig(new ConfigReader({}));
    const b = readRegistryConfig(new ConfigReader({}));
    expect(a).toMatchObject({
      allowAnonymousRead: false,
      signedUrlTtlSeconds: 300,
      headRefreshSeconds: 30,
    });
    expect(a.signingSecret).not.toBe(b.signingSecret);
  });

  it('names the key of a mistake', () => {
    expect(() =>
      readRegistryConfig(
        new ConfigReader({ registry: { signedUrlTtlSeconds: 0 } }),
      ),
    ).toThrow(
      'registry.signedUrlTtlSeconds: must be a whole number from 10 to 86400, got 0',
    );
    expect(() =>
      readRegistryConfig(
        new ConfigReader({ registry: { signingSecret: 'short' } }),
      ),
    ).toThrow('registry.signingSecret: must be at least 32 characters long');
  });
});
