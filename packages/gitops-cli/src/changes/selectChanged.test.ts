import { mentionsWord } from './selectChanged';

describe('mentionsWord', () => {
  it('finds a name only as a whole name', () => {
    const text =
      'name: ws-1-30\n  portal.butlerlabs.dev/template: team-a/tpl-1\n';
    expect(mentionsWord(text, 'tpl-1')).toBe(true);
    expect(mentionsWord(text, 'team-a')).toBe(true);
    expect(mentionsWord(text, 'ws-1-30')).toBe(true);
    expect(mentionsWord(text, 'ws-1-3')).toBe(false);
    expect(mentionsWord(text, 'tpl')).toBe(false);
    expect(mentionsWord(text, 'eam-a')).toBe(false);
  });

  it('finds a later whole occurrence after a partial one', () => {
    expect(mentionsWord('ws-10 ws-1', 'ws-1')).toBe(true);
    expect(mentionsWord("name: 'ws-1'", 'ws-1')).toBe(true);
    expect(mentionsWord('', 'ws-1')).toBe(false);
  });
});
