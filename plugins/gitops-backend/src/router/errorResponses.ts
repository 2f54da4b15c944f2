/*
 * Error answers of the gitops API, whatever refused the request (the body schema, the change
 * service, the validator, the JSON parser, the size limit): always Backstage's body
 * `{ error: { name, message }, request, response: { statusCode } }`, and for a 400 also
 * `issues: [{ file?, path, line, column, message }]` beside `error`, so a form can mark the field
 * and a CLI print `file:line:column`. Errors this does not know go on to Backstage's handler.
 */
import { InputError, NotFoundError, serializeError } from '@backstage/errors';
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';

/** what body-parser and express attach to the errors they raise */
interface HttpError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
  length?: number;
}

const mib = (bytes: number) =>
  `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;

/**
 * the issues of a 400: its own, else the field it names — `part` of a path error, or the
 * `field: reason` every message of this API starts with — else the request as a whole
 */
function issuesOf(error: Error & { issues?: unknown; part?: unknown }) {
  if (Array.isArray(error.issues)) return error.issues as ValidationIssue[];
  const field =
    typeof error.part === 'string'
      ? error.part
      : /^([a-z][A-Za-z]*): /.exec(error.message)?.[1] ?? '';
  return [
    {
      path: field && `/${field}`,
      line: 1,
      column: 1,
      message: field ? error.message.replace(`${field}: `, '') : error.message,
    },
  ];
}

/** body-parser's own errors, in words a caller can act on (and without echoing the body) */
function fromBodyParser(error: HttpError): Error | undefined {
  if (error.type === 'entity.too.large') {
    const size = error.length ?? error.limit;
    const tooLarge = new Error(
      `request body${size ? ` of ${mib(size)}` : ''} is over the limit of ${mib(
        error.limit ?? 0,
      )}`,
    );
    tooLarge.name = 'PayloadTooLargeError';
    return tooLarge;
  }
  if (error.type === 'entity.parse.failed') {
    // V8 says where: "... in JSON at position 9 (line 1 column 10)"
    const at = /line (\d+) column (\d+)/.exec(error.message);
    const invalid = new InputError(
      `request body is not valid JSON: ${error.message}`,
    );
    return Object.assign(invalid, {
      issues: [
        {
          path: '',
          line: at ? Number(at[1]) : 1,
          column: at ? Number(at[2]) : 1,
          message: `not valid JSON: ${error.message}`,
        },
      ],
    });
  }
  // a malformed %-escape in the URL (express's URIError) and the like: a client error by status
  const status = error.statusCode ?? error.status;
  if (status === 400 && error.name !== 'InputError') {
    return new InputError(error.message);
  }
  return undefined;
}

function send(req: Request, res: Parameters<RequestHandler>[1], error: Error) {
  const statusCode = error.name === 'PayloadTooLargeError' ? 413 : 400;
  res.status(statusCode).json({
    error: serializeError(error),
    request: { method: req.method, url: req.url },
    response: { statusCode },
    ...(statusCode === 400 && { issues: issuesOf(error) }),
  });
}

export const errorResponses: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent || !(error instanceof Error)) {
    next(error);
    return;
  }
  const translated = fromBodyParser(error as HttpError);
  if (translated) {
    send(req, res, translated);
  } else if (error.name === 'InputError') {
    send(req, res, error);
  } else {
    next(error);
  }
};

/** Any other path under /api/gitops: a 404 in the same shape, not an empty page. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(
    new NotFoundError(
      `no such endpoint: ${req.method} ${JSON.stringify(
        req.path.slice(0, 200),
      )} (see the gitops REST API in the plugin README)`,
    ),
  );
};
