/*
 * The checks of what a caller hands the local provider for a change request: who acts, its
 * title and description. Each refusal names the field.
 */
import { InputError } from '@backstage/errors';
import type { Actor } from '@butler-portal/plugin-gitops-node';

export function validateActor(actor: Actor): Actor {
  if (!actor || typeof actor.userRef !== 'string' || !actor.userRef.trim()) {
    throw new InputError(
      'actor.userRef: the acting user entity ref is required',
    );
  }
  if (typeof actor.name !== 'string' || typeof actor.email !== 'string') {
    throw new InputError('actor: name and email must be strings');
  }
  return actor;
}

export function validateTitle(title: string): string {
  if (typeof title !== 'string' || !title.trim()) {
    throw new InputError('title: a non-empty title is required');
  }
  if (title.length > 256) throw new InputError('title: at most 256 characters');
  return title.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

export function validateDescription(description: string | undefined): string {
  if (description === undefined) return '';
  if (typeof description !== 'string')
    throw new InputError('description: must be a string');
  if (description.length > 65536)
    throw new InputError('description: at most 65536 characters');
  return description;
}
