import { formatJson } from './formatJson';

describe('formatJson', () => {
  it('writes the issues with file, position, pointer and message, and the summary', () => {
    const out = formatJson(
      [
        {
          file: 'pipelines/team-a/logs.yaml',
          path: '/spec/sinks/loki/type',
          line: 20,
          column: 13,
          message: 'unknown sink type',
        },
      ],
      { filesChecked: 4, invalidFiles: 1 },
    );
    expect(JSON.parse(out)).toEqual({
      issues: [
        {
          file: 'pipelines/team-a/logs.yaml',
          line: 20,
          column: 13,
          path: '/spec/sinks/loki/type',
          message: 'unknown sink type',
        },
      ],
      summary: { filesChecked: 4, invalidFiles: 1 },
    });
  });
});
