/*
 * Change ids of the REST API: `<repository>:<number>`, e.g. `platform:12`. The repository part
 * picks the provider, the number is the provider's own (PR / MR / local change number).
 */
import { InputError } from '@backstage/errors';

export interface ChangeIdParts {
  repository: string;
  number: number;
}

export function formatChangeId(repository: string, number: number): string {
  return `${repository}:${number}`;
}

/** @throws InputError when the id is not `<repository>:<number>` */
export function parseChangeId(id: string): ChangeIdParts {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?):([1-9][0-9]{0,9})$/.exec(
    typeof id === 'string' ? id : '',
  );
  if (!match) {
    throw new InputError(
      `change id ${JSON.stringify(
        String(id).slice(0, 80),
      )} is not of the form <repository>:<number>, e.g. platform:12`,
    );
  }
  return { repository: match[1], number: Number(match[3]) };
}
