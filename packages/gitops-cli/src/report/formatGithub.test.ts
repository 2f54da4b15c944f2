import {
  escapeGithubData,
  escapeGithubProperty,
  formatGithub,
} from './formatGithub';

describe('escapeGithubData', () => {
  it('escapes %, CR and LF, % first so nothing is escaped twice', () => {
    expect(escapeGithubData('100%\r\nnext %0A')).toBe('100%25%0D%0Anext %250A');
  });

  it('leaves : and , of a message alone', () => {
    expect(escapeGithubData('a: b, c')).toBe('a: b, c');
  });
});

describe('escapeGithubProperty', () => {
  it('also escapes : and , that would end the property', () => {
    expect(escapeGithubProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });
});

describe('formatGithub', () => {
  it('writes one ::error command per issue and a summary', () => {
    const out = formatGithub(
      [
        {
          file: 'workspaces/team-a/a,b:c.yaml',
          path: '/spec/owner',
          line: 12,
          column: 10,
          message: 'must match format "email"\nsee docs: 100%',
        },
        { path: '', line: 1, column: 1, message: 'no file' },
      ],
      { filesChecked: 3, invalidFiles: 2 },
    );
    expect(out.split('\n')).toEqual([
      '::error file=workspaces/team-a/a%2Cb%3Ac.yaml,line=12,col=10,title=butler-gitops%3A spec.owner::must match format "email"%0Asee docs: 100%25',
      '::error line=1,col=1,title=butler-gitops%3A (document)::no file',
      '3 files checked, 2 invalid',
      '',
    ]);
  });
});
