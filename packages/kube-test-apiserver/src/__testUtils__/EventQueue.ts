/*
 * Watch events as they arrive, for tests: next() waits for the following one, closedWith()
 * for the end of the stream (what client-node's Watch passes to its done callback).
 */

/** Events as they arrive; next() waits for the following one. */
export class EventQueue {
  private readonly events: Array<{ type: string; object: any }> = [];
  private waiters: Array<() => void> = [];
  done?: unknown;
  closed = false;

  push = (type: string, object: any) => {
    this.events.push({ type, object });
    this.wake();
  };

  finish = (err: unknown) => {
    this.done = err;
    this.closed = true;
    this.wake();
  };

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(w => w());
  }

  async next(): Promise<{ type: string; object: any }> {
    while (this.events.length === 0) {
      if (this.closed) throw new Error(`watch ended: ${String(this.done)}`);
      await new Promise<void>(resolve => this.waiters.push(resolve));
    }
    return this.events.shift()!;
  }

  /** events received and not taken yet */
  get pending(): number {
    return this.events.length;
  }

  async closedWith(): Promise<unknown> {
    while (!this.closed)
      await new Promise<void>(resolve => this.waiters.push(resolve));
    return this.done;
  }
}
