/*
 * A change description written by the portal embeds the diff in a ```diff block (so a reviewer
 * on GitHub or GitLab sees it); the detail page shows each file's diff itself, so the embedded
 * copy and its "cut at" note are left out there.
 */
export function withoutEmbeddedDiff(description: string): string {
  return description
    .replace(/^(`{3,})diff[ \t]*\n[\s\S]*?^\1[ \t]*$/gm, '')
    .replace(/^The diff is cut at \d+ characters;.*$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
