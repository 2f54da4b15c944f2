/*
 * Idempotency keys of change submissions: a client that retries a submit (a timeout, a double
 * click, a reload) sends the same `Idempotency-Key` and gets the change request the first try
 * opened instead of a second one. The store must be shared by every backend replica and survive
 * restarts (the backend keeps it in its database), and a claim must be atomic: of two requests
 * with the same key racing, exactly one gets `claimed`.
 */

/** What a claim found. */
export type IdempotencyClaim =
  /** this request owns the key: it must call `complete` or `release` */
  | { state: 'claimed' }
  /** an earlier request with the key opened this change */
  | { state: 'completed'; changeId: string }
  /** another request with the key is still running */
  | { state: 'in_progress' }
  /** the key was used by this user for a different request */
  | { state: 'mismatch' };

export interface IdempotencyKeyRef {
  key: string;
  /** keys are per user: two users may use the same key */
  userRef: string;
}

export interface IdempotencyStore {
  /**
   * Claims a key for a request whose content hashes to `requestHash`; atomic across replicas.
   * A claim left unfinished (the process died) may be taken over after a while.
   */
  claim(
    input: IdempotencyKeyRef & { requestHash: string },
  ): Promise<IdempotencyClaim>;
  /** records the change the claimed request opened */
  complete(input: IdempotencyKeyRef & { changeId: string }): Promise<void>;
  /** gives a claimed key up after a failure, so that a retry can run */
  release(input: IdempotencyKeyRef): Promise<void>;
}

/** Longest accepted key; long enough for a UUID with a prefix, short enough to index. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
