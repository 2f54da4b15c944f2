import { InputError } from '@backstage/errors';
import type { OpenChangeInput } from './index';
import {
  validateOpenChangeFromBranchInput,
  validateOpenChangeInput,
} from './validateOpenChangeInput';

const input = (over: Partial<OpenChangeInput> = {}): OpenChangeInput => ({
  branch: 'butler/workspace/alice-dev/1a2b3c4d',
  title: 'Create alice-dev',
  description: '',
  operations: [
    {
      action: 'create',
      path: 'workspaces/team-a/alice-dev.yaml',
      content: 'a: 1\n',
    },
  ],
  actor: {
    userRef: 'user:default/alice',
    name: 'Alice',
    email: 'alice@example.com',
  },
  ...over,
});

describe('validateOpenChangeInput', () => {
  it('accepts a portal change', () => {
    expect(() => validateOpenChangeInput(input())).not.toThrow();
  });

  it.each([
    ['../x', "operations[0].path: '../x' has an empty, '.' or '..' component"],
    ['/etc/passwd', "operations[0].path: '/etc/passwd' must be relative"],
    ['.git/config', "operations[0].path: '.git/config' points into .git"],
    [
      'a\\b',
      "operations[0].path: 'a\\b' contains a control character or a backslash",
    ],
  ])('refuses the hostile path %j', (path, message) => {
    expect(() =>
      validateOpenChangeInput(
        input({ operations: [{ action: 'create', path, content: '' }] }),
      ),
    ).toThrow(message);
  });

  it.each(['a..b', 'a b', '-x', 'x.lock', 'a~1', 'refs/heads/x'])(
    'refuses the branch %j',
    branch => {
      expect(() => validateOpenChangeInput(input({ branch }))).toThrow(
        InputError,
      );
    },
  );

  it('names the operation, field and reason', () => {
    expect(() =>
      validateOpenChangeInput(
        input({
          operations: [
            { action: 'create', path: 'a.yaml', content: '' },
            { action: 'update', path: 'a.yaml', content: '' },
          ],
        }),
      ),
    ).toThrow('operations[1].path "a.yaml": appears twice in one change');
    expect(() =>
      validateOpenChangeInput(
        input({ operations: [{ action: 'move', path: 'a.yaml' } as any] }),
      ),
    ).toThrow('operations[0].action "move": must be create, update or delete');
    expect(() => validateOpenChangeInput(input({ title: ' ' }))).toThrow(
      'title: must not be empty',
    );
    expect(() => validateOpenChangeInput(input({ operations: [] }))).toThrow(
      'operations: a change request needs at least one file operation',
    );
  });

  it('refuses oversized content', () => {
    expect(() =>
      validateOpenChangeInput(
        input({
          operations: [
            { action: 'create', path: 'big.yaml', content: 'x'.repeat(2048) },
          ],
        }),
        1024,
      ),
    ).toThrow(
      'operations[0].content for big.yaml: 2048 bytes exceeds the limit of 1024',
    );
  });
});

describe('validateOpenChangeFromBranchInput', () => {
  const { operations: _, ...fromBranch } = input();

  it('accepts a pushed branch with a title', () => {
    expect(() => validateOpenChangeFromBranchInput(fromBranch)).not.toThrow();
  });

  it('refuses a blank title and an unsafe branch, naming the field', () => {
    expect(() =>
      validateOpenChangeFromBranchInput({ ...fromBranch, title: '  ' }),
    ).toThrow(new InputError('title: must not be empty'));
    expect(() =>
      validateOpenChangeFromBranchInput({ ...fromBranch, branch: 'a..b' }),
    ).toThrow(/branch/);
  });
});
