/*
 * The provider's own config, read when the auth backend builds it (the sign-in, refresh and
 * sign-out behaviour is in module.test.ts, against a real OpenID Provider).
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createButlerOidcProviderFactory } from './butlerOidcProvider';

const build = (config: object) =>
  createButlerOidcProviderFactory({
    settings: () => undefined,
    status: () => ({ phase: 'NotFound', reason: 'none' }),
  })({
    providerId: 'butler',
    globalConfig: {
      baseUrl: 'http://localhost:7007/api/auth',
      appUrl: 'http://localhost:3000',
      isOriginAllowed: () => true,
    },
    config: new ConfigReader(config),
    logger: mockServices.logger.mock(),
    resolverContext: {} as any,
    baseUrl: 'http://localhost:7007/api/auth',
    appUrl: 'http://localhost:3000',
    isOriginAllowed: () => true,
  });

describe('auth.providers.butler.sessionDuration', () => {
  it('takes a Backstage duration, and fails the start naming the key for anything else', () => {
    expect(() => build({ sessionDuration: { hours: 8 } })).not.toThrow();
    expect(() => build({ sessionDuration: '8h' })).not.toThrow();
    expect(() => build({ sessionDuration: 'soon' })).toThrow(
      /Invalid duration 'soon' in config at 'sessionDuration'/,
    );
  });
});
