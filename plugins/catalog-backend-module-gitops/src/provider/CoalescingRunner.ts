/*
 * One run at a time per repository, and no backlog: requests that arrive while a run is going
 * are merged into the single run that follows it. A burst of push events therefore costs at
 * most two runs, and each run starts from the state the previous one left (the last processed
 * commit), which concurrent runs would race on.
 */

export interface CoalescingRunnerOptions<T> {
  /** does the work for the merged request */
  run: (request: T) => Promise<void>;
  /** merges a new request into the one already waiting */
  merge: (waiting: T, incoming: T) => T;
}

interface Waiting<T> {
  request: T;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class CoalescingRunner<T> {
  readonly #options: CoalescingRunnerOptions<T>;
  #running = false;
  #waiting?: Waiting<T>;

  constructor(options: CoalescingRunnerOptions<T>) {
    this.#options = options;
  }

  /** Resolves when a run that covers this request has finished; rejects when that run failed. */
  request(request: T): Promise<void> {
    if (this.#waiting) {
      this.#waiting.request = this.#options.merge(
        this.#waiting.request,
        request,
      );
      return this.#waiting.done;
    }
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#waiting = { request, done, resolve, reject };
    this.#next();
    return done;
  }

  #next(): void {
    if (this.#running || !this.#waiting) return;
    const current = this.#waiting;
    this.#waiting = undefined;
    this.#running = true;
    this.#options
      .run(current.request)
      .then(current.resolve, current.reject)
      .finally(() => {
        this.#running = false;
        this.#next();
      });
  }
}
