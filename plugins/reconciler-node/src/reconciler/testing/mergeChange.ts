/*
 * Test helper: a merge on a local repository — a change opened by one person, approved by
 * another, merged. The provider merges only with a passing `butler-portal/validate` status;
 * the tests post one whatever the files hold, because the reconciler must also cope with
 * commits that reached the branch without the portal's checks (a broken file included).
 */
import {
  VALIDATION_CHECK_CONTEXT,
  type Actor,
  type FileOperation,
  type GitProvider,
} from '@butler-portal/plugin-gitops-node';

export const alice: Actor = {
  userRef: 'user:default/alice',
  name: 'Alice',
  email: 'alice@example.com',
};
export const bob: Actor = {
  userRef: 'user:default/bob',
  name: 'Bob',
  email: 'bob@example.com',
};

/** a merge function numbering its branches `butler/test/<n>` */
export function mergeChanges(
  provider: Pick<
    GitProvider,
    'openChange' | 'review' | 'merge' | 'setCommitStatus'
  >,
): (...operations: FileOperation[]) => Promise<string> {
  let changes = 0;
  return async (...operations) => {
    changes += 1;
    const change = await provider.openChange({
      branch: `butler/test/${changes}`,
      title: `Change ${changes}`,
      description: '',
      operations,
      actor: alice,
    });
    await provider.setCommitStatus(change.headSha, {
      context: VALIDATION_CHECK_CONTEXT,
      state: 'success',
    });
    await provider.review(change.id, { decision: 'approve', actor: bob });
    return (await provider.merge(change.id, alice)).mergeCommitSha!;
  };
}
