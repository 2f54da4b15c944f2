import { SignedUrls } from './SignedUrls';

describe('SignedUrls', () => {
  let now = Date.UTC(2026, 0, 1);
  const urls = new SignedUrls({
    secret: 's'.repeat(32),
    ttlSeconds: 60,
    now: () => now,
  });
  const parse = (query: string) =>
    Object.fromEntries(new URLSearchParams(query));

  it('accepts its own URL until it expires, then says when it expired', () => {
    const { expires, signature } = parse(urls.sign('archive/a/b/1.0.0.tar.gz'));
    expect(urls.verify('archive/a/b/1.0.0.tar.gz', expires, signature)).toEqual(
      { ok: true },
    );
    now += 61_000;
    expect(urls.verify('archive/a/b/1.0.0.tar.gz', expires, signature)).toEqual(
      {
        ok: false,
        reason:
          'this download URL expired at 2026-01-01T00:01:00.000Z; ask the registry for the version again',
      },
    );
  });

  it('refuses another path, a longer expiry and another key', () => {
    const { expires, signature } = parse(urls.sign('archive/a/b/1.0.0.tar.gz'));
    expect(urls.verify('archive/a/b/2.0.0.tar.gz', expires, signature).ok).toBe(
      false,
    );
    expect(
      urls.verify(
        'archive/a/b/1.0.0.tar.gz',
        String(Number(expires) + 3600),
        signature,
      ),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not match/),
    });
    const other = new SignedUrls({
      secret: 'o'.repeat(32),
      ttlSeconds: 60,
      now: () => now,
    });
    expect(
      other.verify('archive/a/b/1.0.0.tar.gz', expires, signature).ok,
    ).toBe(false);
    expect(urls.verify('archive/a/b/1.0.0.tar.gz', '1e9', signature).ok).toBe(
      false,
    );
    expect(
      urls.verify('archive/a/b/1.0.0.tar.gz', undefined, signature),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/needs a signed URL/),
    });
  });
});
