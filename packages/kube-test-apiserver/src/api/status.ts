/*
 * Errors as the kube-apiserver sends them: a metav1.Status body with the HTTP code, a reason
 * clients switch on (NotFound, AlreadyExists, Conflict, Invalid, ...) and details naming the
 * object. Messages follow the apiserver's wording so that code matching on them behaves the
 * same against this server and a real cluster.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The JSON body of a failed request (metav1.Status). */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A request failure, thrown inside the server and turned into a Status response. */
export class KubeStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string | undefined,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'KubeStatusError';
  }

  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `<plural>.<group>` or just `<plural>` for the core group, as in apiserver messages. */
export function qualifiedResource(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

/**
 * An error about one object, as the apiserver words it: the message names the object as
 * `<plural>.<group> "<name>"`, the details carry name, group (when not core) and plural as kind.
 */
function objectError(
  code: number,
  reason: string,
  object: { group: string; plural: string; name: string },
  message: (named: string) => string,
): KubeStatusError {
  const { group, plural, name } = object;
  return new KubeStatusError(
    code,
    reason,
    message(`${qualifiedResource(group, plural)} "${name}"`),
    { name, ...(group ? { group } : {}), kind: plural },
  );
}

export function notFound(
  group: string,
  plural: string,
  name: string,
): KubeStatusError {
  return objectError(
    404,
    'NotFound',
    { group, plural, name },
    named => `${named} not found`,
  );
}

/** The generic 404 for a path the server does not serve. */
export function resourceNotServed(): KubeStatusError {
  return new KubeStatusError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
}

export function alreadyExists(
  group: string,
  plural: string,
  name: string,
): KubeStatusError {
  return objectError(
    409,
    'AlreadyExists',
    { group, plural, name },
    named => `${named} already exists`,
  );
}

/** Optimistic-concurrency failure: the resourceVersion sent is not the current one. */
export function modifiedConflict(
  group: string,
  plural: string,
  name: string,
): KubeStatusError {
  return objectError(
    409,
    'Conflict',
    { group, plural, name },
    named =>
      `Operation cannot be fulfilled on ${named}: the object has been modified; please apply your changes to the latest version and try again`,
  );
}

export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError(400, 'BadRequest', message);
}

export interface FieldError {
  /** dotted field path, e.g. spec.repository.url */
  field: string;
  /** cause reason: FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, ... */
  reason: string;
  /** the part after the field in the message, e.g. `Required value` */
  message: string;
}

/** 422 Invalid: `<Kind>.<group> "<name>" is invalid: <field>: <message>[, ...]`. */
export function invalid(
  group: string,
  kind: string,
  name: string,
  errors: FieldError[],
): KubeStatusError {
  const listed = errors.map(e => `${e.field}: ${e.message}`);
  const summary = listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return new KubeStatusError(
    422,
    'Invalid',
    `${qualifiedKind} "${name}" is invalid: ${summary}`,
    {
      name,
      ...(group ? { group } : {}),
      kind,
      causes: errors.map(e => ({
        reason: e.reason,
        message: e.message,
        field: e.field,
      })),
    },
  );
}

export function methodNotAllowed(): KubeStatusError {
  return new KubeStatusError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

export function unsupportedMediaType(accepted: string[]): KubeStatusError {
  // negotiation.errUnsupportedMediaType: a bare Status, no details
  return new KubeStatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(
      ', ',
    )}`,
  );
}

export function internalError(message: string): KubeStatusError {
  return new KubeStatusError(
    500,
    'InternalError',
    `Internal error occurred: ${message}`,
    { causes: [{ message }] },
  );
}

/** A watch started from a resourceVersion older than the retained history. */
export function expired(message: string): KubeStatusError {
  return new KubeStatusError(410, 'Expired', message);
}
