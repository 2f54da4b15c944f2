import {
  describeInvalidName,
  dns1123Problem,
  isDns1123Label,
  isDns1123Subdomain,
  quoteForMessage,
} from './names';

describe('dns1123Problem', () => {
  it.each([
    ['jane-dev', 'label'],
    ['a', 'label'],
    ['0', 'label'],
    ['a'.repeat(63), 'label'],
    ['terraform-aws-vpc-1.4.0', 'subdomain'],
    ['a.b.c', 'subdomain'],
    ['a'.repeat(253), 'subdomain'],
  ] as const)('accepts %j as a %s', (value, form) => {
    expect(dns1123Problem(value, form)).toBeUndefined();
  });

  it.each([
    ['../x', 'label', 'lower case letters, digits and "-" only'],
    ['a/b', 'label', 'lower case letters, digits and "-" only'],
    ['UPPER', 'label', 'lower case letters, digits and "-" only'],
    ['a.b', 'label', 'lower case letters, digits and "-" only'],
    ['a\u0000b', 'label', 'lower case letters, digits and "-" only'],
    ['-a', 'label', 'must start and end with a lower case letter or digit'],
    ['a-', 'label', 'must start and end with a lower case letter or digit'],
    ['', 'label', 'must not be empty'],
    ['a'.repeat(64), 'label', '64 characters long, at most 63 allowed'],
    [42, 'label', 'must be a string'],
    ['../x', 'subdomain', 'lower case letters, digits, "-" and "." only'],
    [
      '..',
      'subdomain',
      'must start and end with a lower case letter or digit, also around each "."',
    ],
    [
      'a..b',
      'subdomain',
      'must start and end with a lower case letter or digit, also around each "."',
    ],
    [
      '.a',
      'subdomain',
      'must start and end with a lower case letter or digit, also around each "."',
    ],
    ['a/b', 'subdomain', 'lower case letters, digits, "-" and "." only'],
    ['a'.repeat(254), 'subdomain', '254 characters long, at most 253 allowed'],
  ] as const)('rejects %j as a %s: %s', (value, form, reason) => {
    expect(dns1123Problem(value, form)).toBe(reason);
  });

  it('defaults to the label form', () => {
    expect(dns1123Problem('a.b')).toBe(
      'lower case letters, digits and "-" only',
    );
    expect(isDns1123Label('a.b')).toBe(false);
    expect(isDns1123Subdomain('a.b')).toBe(true);
  });
});

describe('describeInvalidName', () => {
  it('quotes the value so that hidden characters show', () => {
    expect(describeInvalidName('a\u0000b')).toBe(
      '"a\\u0000b" is not a valid DNS-1123 name: lower case letters, digits and "-" only',
    );
    expect(describeInvalidName('ok')).toBeUndefined();
  });

  it('cuts long values', () => {
    const message = describeInvalidName('X'.repeat(500));
    expect(message).toMatch(/^"X{78}… is not a valid DNS-1123 name: /);
  });
});

describe('quoteForMessage', () => {
  it('quotes strings and shows other values as JSON', () => {
    expect(quoteForMessage('x')).toBe('"x"');
    expect(quoteForMessage(3)).toBe('3');
    expect(quoteForMessage(undefined)).toBe('undefined');
    expect(quoteForMessage({ a: 1 })).toBe('{"a":1}');
  });
});
