import { formatIssue } from './formatIssue';

describe('formatIssue', () => {
  it('puts file, line and column first, then the field and the message', () => {
    expect(
      formatIssue({
        file: 'workspaces/team-a/x.yaml',
        path: '/spec/image',
        line: 9,
        column: 10,
        message: 'must be string',
      }),
    ).toBe('workspaces/team-a/x.yaml:9:10 /spec/image: must be string');
  });

  it('leaves out the file when unknown and the field for the whole document', () => {
    expect(
      formatIssue({ path: '', line: 1, column: 1, message: 'not a mapping' }),
    ).toBe('1:1 not a mapping');
  });
});
