/*
 * Child process for the crash tests: runs openChange and stops dead at a chosen point (the test
 * then SIGKILLs it). `fs.promises.rename` is the step that makes written data visible (objects,
 * packed-refs), so the stop points are renames:
 *   object-write  before the first object file is renamed into place
 *   before-commit with all objects written and all locks held, before packed-refs is replaced
 *   after-commit  after packed-refs is replaced, before the locks are released
 */
import fs from 'fs';
import { LocalGitProvider } from '../LocalGitProvider';

const [dir, stopAt] = process.argv.slice(2);
const rename = fs.promises.rename;

function stop(): Promise<void> {
  process.stdout.write('STOPPED\n');
  setInterval(() => undefined, 1000); // stay alive until killed
  return new Promise(() => undefined);
}

fs.promises.rename = async (from: fs.PathLike, to: fs.PathLike) => {
  const source = String(from);
  const target = String(to);
  if (
    stopAt === 'object-write' &&
    source.includes('/objects/') &&
    source.includes('tmp_obj_')
  ) {
    return stop();
  }
  if (stopAt === 'before-commit' && target.endsWith('/packed-refs'))
    return stop();
  await rename(from, to);
  if (stopAt === 'after-commit' && target.endsWith('/packed-refs'))
    await stop();
  return undefined;
};

new LocalGitProvider({ repository: 'platform', dir })
  .openChange({
    branch: 'butler/workspace/crash',
    title: 'Crash me',
    description: '',
    operations: [
      {
        action: 'create',
        path: 'workspaces/team-a/crash.yaml',
        content: 'kind: Workspace\n',
      },
    ],
    actor: {
      userRef: 'user:default/alice',
      name: 'Alice',
      email: 'alice@example.com',
    },
  })
  .then(() => process.stdout.write('FINISHED\n'));
