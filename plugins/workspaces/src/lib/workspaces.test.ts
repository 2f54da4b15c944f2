import { aTemplate, anEntry, aWorkspace } from '../__testUtils__/fixtures';
import { isParsed, parsedOrThrow } from './workspaces';

const broken = {
  ...anEntry(aWorkspace('jane-dev', 'team-a', 'jane@example.com')),
  object: null,
  issues: [
    {
      file: 'workspaces/team-a/jane-dev.yaml',
      path: '/spec',
      line: 7,
      column: 1,
      message: 'duplicated mapping key',
    },
  ],
};

describe('parsed entries', () => {
  it('tells entries whose file parses from those that do not', () => {
    expect([aTemplate(), broken].filter(isParsed)).toEqual([aTemplate()]);
  });

  it('gives back a parsed entry unchanged', () => {
    const entry = aTemplate();
    expect(parsedOrThrow(entry)).toBe(entry);
  });

  it('names the file and each issue when it does not parse', () => {
    expect(() => parsedOrThrow(broken)).toThrow(
      'workspaces/team-a/jane-dev.yaml does not parse\n' +
        'workspaces/team-a/jane-dev.yaml:7:1 /spec: duplicated mapping key',
    );
  });
});
