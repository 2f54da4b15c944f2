import { idempotencyKeyFor } from './idempotencyKey';

describe('idempotencyKeyFor', () => {
  it('is the task id and the step id, the same on every call', () => {
    const ctx = { task: { id: 'a1b2' }, step: { id: 'open-pr' } };
    expect(idempotencyKeyFor(ctx)).toBe('scaffolder:a1b2:open-pr');
    expect(idempotencyKeyFor(ctx)).toBe(idempotencyKeyFor({ ...ctx }));
  });

  it('tells the items of an `each` step apart', () => {
    const first = idempotencyKeyFor({
      task: { id: 't' },
      step: { id: 's' },
      each: { key: '0', value: 'a' },
    });
    const second = idempotencyKeyFor({
      task: { id: 't' },
      step: { id: 's' },
      each: { key: '1', value: 'b' },
    });
    expect(first).toMatch(/^scaffolder:t:s:[0-9a-f]{16}$/);
    expect(second).not.toBe(first);
  });

  it('hashes step ids the backend would not accept as a key, keeping it deterministic', () => {
    const ctx = { task: { id: 't' }, step: { id: 'open the PR ✓' } };
    expect(idempotencyKeyFor(ctx)).toMatch(/^scaffolder:[0-9a-f]{64}$/);
    expect(idempotencyKeyFor(ctx)).toBe(idempotencyKeyFor(ctx));
    expect(
      idempotencyKeyFor({ task: { id: 't' }, step: { id: 'x'.repeat(300) } }),
    ).toHaveLength('scaffolder:'.length + 64);
  });
});
