import { InputError } from '@backstage/errors';
import type { ChangeAuthor } from '@butler-portal/plugin-gitops-node';
import { withScmToken } from './scmTokenHeader';

const author: ChangeAuthor = {
  actor: {
    userRef: 'user:default/jane',
    name: 'Jane',
    email: 'jane@example.com',
  },
  notes: ['a note'],
};

function request(headers: Record<string, string>) {
  const lower = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { header: (name: string) => lower[name.toLowerCase()] } as any;
}

describe('withScmToken', () => {
  it('puts the header on the actor, keeping the rest of the author', () => {
    expect(
      withScmToken(author, request({ 'X-Butler-Scm-Token': ' ghu_abc123 ' })),
    ).toEqual({
      actor: { ...author.actor, scmToken: 'ghu_abc123' },
      notes: ['a note'],
    });
    expect(author.actor.scmToken).toBeUndefined();
  });

  it('leaves the author alone without the header or with an empty one', () => {
    expect(withScmToken(author, request({}))).toBe(author);
    expect(withScmToken(author, request({ 'x-butler-scm-token': '  ' }))).toBe(
      author,
    );
  });

  it('refuses a malformed token without repeating it', () => {
    for (const token of ['has space', 'x'.repeat(4097), 'tab\there']) {
      let error: unknown;
      try {
        withScmToken(author, request({ 'x-butler-scm-token': token }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain('X-Butler-Scm-Token');
      expect((error as Error).message).not.toContain(token);
    }
  });
});
