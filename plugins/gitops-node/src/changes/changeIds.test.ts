import { InputError } from '@backstage/errors';
import { formatChangeId, parseChangeId } from './changeIds';

describe('change ids', () => {
  it('round-trips repository and number', () => {
    expect(formatChangeId('platform', 12)).toBe('platform:12');
    expect(parseChangeId('platform:12')).toEqual({
      repository: 'platform',
      number: 12,
    });
  });

  it.each([
    'platform',
    'platform:0',
    'platform:-1',
    '../x:1',
    'Platform:1',
    'platform:1:2',
    '',
  ])('refuses %j', id => {
    expect(() => parseChangeId(id)).toThrow(InputError);
    expect(() => parseChangeId(id)).toThrow(/<repository>:<number>/);
  });
});
