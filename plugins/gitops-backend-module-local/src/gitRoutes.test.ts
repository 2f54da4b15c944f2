import { tokenFromAuthorization } from './gitRoutes';

const basic = (value: string) =>
  `Basic ${Buffer.from(value).toString('base64')}`;

describe('tokenFromAuthorization', () => {
  it('takes the password of HTTP Basic, whatever the user name', () => {
    expect(tokenFromAuthorization(basic('x:eyJ.token.sig'))).toBe(
      'eyJ.token.sig',
    );
    expect(tokenFromAuthorization(basic('jane:a:b'))).toBe('a:b');
  });

  it('takes the user name when the password is empty (token as user name)', () => {
    expect(tokenFromAuthorization(basic('eyJ.token.sig:'))).toBe(
      'eyJ.token.sig',
    );
  });

  it('takes a Bearer token', () => {
    expect(tokenFromAuthorization('Bearer abc.def')).toBe('abc.def');
    expect(tokenFromAuthorization('bearer abc.def')).toBe('abc.def');
  });

  it('finds nothing in a missing, empty or foreign header', () => {
    expect(tokenFromAuthorization(undefined)).toBeUndefined();
    expect(tokenFromAuthorization('')).toBeUndefined();
    expect(tokenFromAuthorization(basic(':'))).toBeUndefined();
    expect(tokenFromAuthorization('Digest username="x"')).toBeUndefined();
  });
});
