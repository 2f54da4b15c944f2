/*
 * Waiting for a condition in browser tests: poll until it holds, never a fixed sleep, and say
 * what was awaited (with the last error) when it does not come.
 */
'use strict';

/** Polls `fn` until it returns something truthy and returns that; the error names `what`. */
async function eventually(what, fn, timeoutMs = 90000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

module.exports = { eventually };
