import { withoutEmbeddedDiff } from './withoutEmbeddedDiff';

describe('withoutEmbeddedDiff', () => {
  it('drops the ```diff block and its note, keeping the rest of the description', () => {
    const description = [
      'Please review.',
      '---',
      '**Create** Workspace `team-a/jane-dev` — `workspaces/team-a/jane-dev.yaml`',
      '````diff\n--- /dev/null\n+++ b/x.yaml\n+a: ```\n````',
      "The diff is cut at 60000 characters; the change's files hold all of it.",
      '```yaml\nkept: true\n```',
      '',
    ].join('\n\n');
    expect(withoutEmbeddedDiff(description)).toBe(
      [
        'Please review.',
        '---',
        '**Create** Workspace `team-a/jane-dev` — `workspaces/team-a/jane-dev.yaml`',
        '```yaml\nkept: true\n```',
      ].join('\n\n'),
    );
  });
});
