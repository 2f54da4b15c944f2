import {
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './labelSelector';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/team': 'a' };

  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (web, db)', true],
    ['app in (db)', false],
    ['app notin (db)', true],
    ['missing notin (db)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['example.com/team=a,tier=front', true],
    [' app = web , tier in (front,back) ', true],
    ['', true],
  ])('%j matches %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each([
    ['app in web', 'unable to parse requirement'],
    ['app in ()', "values set can't be empty"],
    ['a b', "found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['app=(x', "missing ')'"],
    ['-bad=x', 'invalid label key "-bad"'],
    ['app=bad value', 'invalid label value: "bad value"'],
    ['a=b,,c', 'found empty requirement'],
  ])('refuses %j with a BadRequest naming the problem', (selector, message) => {
    let error: any;
    try {
      parseLabelSelector(selector);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(error.message).toContain(message);
  });

  it('parses field selectors on name and namespace only', () => {
    expect(parseFieldSelector('metadata.name=a,metadata.namespace!=b')).toEqual(
      [
        { field: 'metadata.name', equals: true, value: 'a' },
        { field: 'metadata.namespace', equals: false, value: 'b' },
      ],
    );
    expect(() => parseFieldSelector('status.phase=Running')).toThrow(
      'field label not supported: status.phase',
    );
  });
});
