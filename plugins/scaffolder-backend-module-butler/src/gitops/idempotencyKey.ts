/*
 * The Idempotency-Key of a step's change request. It depends only on the task and the step (and
 * the `each` item, when the step loops), so a retried task or a step re-run after a restart
 * sends the same key and gets the change opened the first time back, not a second one.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '@backstage/types';

/** what the backend accepts: 1-255 printable ASCII characters without spaces */
const ACCEPTED = /^[\x21-\x7e]{1,255}$/;

export function idempotencyKeyFor(ctx: {
  task: { id: string };
  step?: { id?: string; name?: string };
  each?: JsonObject;
}): string {
  const step = ctx.step?.id ?? ctx.step?.name ?? '';
  const parts = [ctx.task.id, step];
  if (ctx.each !== undefined) {
    parts.push(
      createHash('sha256')
        .update(JSON.stringify(ctx.each))
        .digest('hex')
        .slice(0, 16),
    );
  }
  const readable = `scaffolder:${parts.join(':')}`;
  if (ACCEPTED.test(readable)) {
    return readable;
  }
  // a step id with spaces or non-ASCII characters, or a very long one: hash, still deterministic
  return `scaffolder:${createHash('sha256')
    .update(JSON.stringify(parts))
    .digest('hex')}`;
}
