import { headerValue } from './headerValue';

describe('headerValue', () => {
  it('finds a header whatever its case, takes the first of repeated ones, and numbers as text', () => {
    const headers = { 'X-GitHub-Event': 'push', 'x-hub-signature-256': ['sha256=a', 'sha256=b'], 'retry-after': 3 };
    expect(headerValue(headers, 'x-github-event')).toBe('push');
    expect(headerValue(headers, 'X-Hub-Signature-256')).toBe('sha256=a');
    expect(headerValue(headers, 'retry-after')).toBe('3');
    expect(headerValue(headers, 'x-gitlab-token')).toBeUndefined();
    expect(headerValue(undefined, 'x')).toBeUndefined();
  });
});
