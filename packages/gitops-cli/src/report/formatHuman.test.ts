import { formatHuman } from './formatHuman';

describe('formatHuman', () => {
  it('writes file:line:col: message per issue and a summary', () => {
    expect(
      formatHuman(
        [
          {
            file: 'workspaces/team-a/alice-dev.yaml',
            path: '/spec/image',
            line: 14,
            column: 10,
            message: 'spec.image: must be string',
          },
        ],
        { filesChecked: 2, invalidFiles: 1 },
      ),
    ).toBe(
      'workspaces/team-a/alice-dev.yaml:14:10: spec.image: must be string\n2 files checked, 1 invalid\n',
    );
  });

  it('writes only the summary when all is well, in the singular for one file', () => {
    expect(formatHuman([], { filesChecked: 1, invalidFiles: 0 })).toBe(
      '1 file checked, 0 invalid\n',
    );
  });
});
