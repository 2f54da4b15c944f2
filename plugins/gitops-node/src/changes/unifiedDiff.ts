/*
 * The one unified diff of the portal: the change description shows it in a ```diff block and
 * the REST API returns it per file (ChangeDetail.files[].diff), so a reviewer sees the same
 * lines in both places. Headers read like git's (`--- a/<path>`, `+++ b/<path>`, `/dev/null`
 * for an added or deleted file).
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/**
 * The unified diff of one file between two versions; `before` undefined = added,
 * `after` undefined = deleted. Empty when both sides are equal.
 */
export function unifiedDiff(
  path: string,
  before: string | undefined,
  after: string | undefined,
  context = 3,
): string {
  if (
    (before ?? '') === (after ?? '') &&
    (before === undefined) === (after === undefined)
  ) {
    return '';
  }
  return createTwoFilesPatch(
    before === undefined ? '/dev/null' : `a/${path}`,
    after === undefined ? '/dev/null' : `b/${path}`,
    before ?? '',
    after ?? '',
    undefined,
    undefined,
    { context, headerOptions: FILE_HEADERS_ONLY },
  );
}
