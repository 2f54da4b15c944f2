/*
 * How a change request is stored in its repository (in the spirit of Gerrit's NoteDb):
 *
 *   refs/changes/<NN>/<number>/meta   commit chain, one commit per update; each commit's tree
 *                                     holds `change.json` (ChangeMeta below)
 *   refs/changes/<NN>/<number>/head   the head commit last recorded for the change; keeps it
 *                                     reachable after its source branch is deleted
 *   refs/meta/butler/change-sequence  blob with the number of the last change created
 *
 * NN is the number modulo 100, zero-padded, as in Gerrit. See the README ("Local provider
 * storage").
 */
import { ChangeRequestState, Review, ReviewDecision } from '@butler-portal/plugin-gitops-node';

export const CHANGE_SEQUENCE_REF = 'refs/meta/butler/change-sequence';
export const CHANGE_FILE = 'change.json';
export const CHANGE_REF_PREFIX = 'refs/changes/';

export interface ChangeMeta {
  schemaVersion: 1;
  number: number;
  title: string;
  description: string;
  state: ChangeRequestState;
  author: { name: string; email: string; userRef: string };
  sourceBranch: string;
  targetBranch: string;
  /** true when the portal created the source branch (then merge/close delete it) */
  ownsSourceBranch: boolean;
  /** merge base with the target branch at the last update */
  baseSha: string;
  /** head of the source branch at the last update */
  headSha: string;
  mergeCommitSha?: string;
  mergedBy?: string;
  closedBy?: string;
  createdAt: string;
  updatedAt: string;
  reviews: Review[];
}

function shard(n: number) {
  return String(n % 100).padStart(2, '0');
}

export function changeMetaRef(n: number) {
  return `refs/changes/${shard(n)}/${n}/meta`;
}

export function changeHeadRef(n: number) {
  return `refs/changes/${shard(n)}/${n}/head`;
}

/** the change number of a `refs/changes/NN/N/meta` ref, undefined for any other ref */
export function numberOfMetaRef(ref: string): number | undefined {
  const m = ref.match(/^refs\/changes\/(\d\d)\/([1-9]\d*)\/meta$/);
  if (!m) return undefined;
  const n = Number(m[2]);
  return shard(n) === m[1] ? n : undefined;
}

/** the change number for an API id ('12'), undefined when it is not one */
export function parseChangeId(id: string): number | undefined {
  return /^[1-9]\d{0,9}$/.test(String(id)) ? Number(id) : undefined;
}

export function serializeChangeMeta(meta: ChangeMeta): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
}

const STATES: ChangeRequestState[] = ['open', 'merged', 'closed'];
const DECISIONS: ReviewDecision[] = ['approve', 'request_changes', 'comment'];

/** Parses and checks `change.json`; a damaged file is reported, never half-read. */
export function parseChangeMeta(content: string, where: string): ChangeMeta {
  let meta: ChangeMeta;
  try {
    meta = JSON.parse(content);
  } catch (e) {
    throw new Error(
      `${where}: ${CHANGE_FILE} is not valid JSON: ${(e as Error).message}`,
    );
  }
  const problem = (field: string, reason: string) =>
    new Error(`${where}: ${CHANGE_FILE} field '${field}' ${reason}`);
  if (meta?.schemaVersion !== 1) throw problem('schemaVersion', 'must be 1');
  if (!Number.isInteger(meta.number) || meta.number < 1)
    throw problem('number', 'must be a positive integer');
  for (const field of [
    'title',
    'description',
    'sourceBranch',
    'targetBranch',
    'baseSha',
    'headSha',
    'createdAt',
    'updatedAt',
  ] as const) {
    if (typeof meta[field] !== 'string')
      throw problem(field, 'must be a string');
  }
  if (!STATES.includes(meta.state))
    throw problem('state', `must be one of ${STATES.join(', ')}`);
  if (typeof meta.author?.userRef !== 'string')
    throw problem('author.userRef', 'must be a string');
  if (!Array.isArray(meta.reviews))
    throw problem('reviews', 'must be an array');
  meta.reviews.forEach((r, i) => {
    if (typeof r?.author !== 'string' || !DECISIONS.includes(r.decision)) {
      throw problem(`reviews[${i}]`, 'must have an author and a decision');
    }
  });
  return meta;
}
