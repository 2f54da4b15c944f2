import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { githubMessage, toProviderError } from './githubErrors';

function httpError(status: number, data: unknown) {
  return Object.assign(new Error('raw'), {
    name: 'HttpError',
    status,
    response: { data, headers: {} },
  });
}

describe('toProviderError', () => {
  it.each([
    [401, { message: 'Bad credentials' }, AuthenticationError],
    [
      403,
      { message: 'Resource not accessible by integration' },
      NotAllowedError,
    ],
    [404, { message: 'Not Found' }, NotFoundError],
    [405, { message: 'Pull Request is not mergeable' }, ConflictError],
    [
      409,
      { message: 'Head branch was modified. Review and try the merge again.' },
      ConflictError,
    ],
    [422, { message: 'Reference already exists' }, ConflictError],
    [
      422,
      {
        message: 'Unprocessable Entity',
        errors: ['Can not approve your own pull request'],
      },
      NotAllowedError,
    ],
    [
      422,
      {
        message: 'Validation Failed',
        errors: [{ resource: 'Label', code: 'invalid', field: 'color' }],
      },
      InputError,
    ],
    [502, { message: 'Server Error' }, ServiceUnavailableError],
  ])('maps %s %j to %p', (status, data, type) => {
    const error = toProviderError(httpError(status, data), 'do a thing');
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(
      `Could not do a thing: GitHub answered ${status} ${githubMessage(
        httpError(status, data) as any,
      )}`,
    );
  });

  it("spells out GitHub's validation details", () => {
    expect(
      githubMessage(
        httpError(422, {
          message: 'Validation Failed',
          errors: [
            { resource: 'Label', code: 'invalid', field: 'color' },
            { message: 'A pull request already exists for o:b.' },
          ],
        }) as any,
      ),
    ).toBe(
      'Validation Failed (Label color invalid; A pull request already exists for o:b.)',
    );
  });

  it('leaves other errors alone', () => {
    const typed = new ConflictError('already typed');
    expect(toProviderError(typed, 'x')).toBe(typed);
    expect(toProviderError('boom', 'x').message).toBe('boom');
  });
});
