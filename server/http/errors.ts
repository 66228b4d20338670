import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Problem } from '../../contract/problem';
import { isUnstorableText } from '../store/db';
import {
  AppError,
  BadAnswer,
  Conflict,
  FieldsError,
  Forbidden,
  Invalid,
  MethodNotAllowed,
  NotAcceptable,
  NotFound,
  NotReady,
  PayloadTooLarge,
  QuotaExceeded,
  Timeout,
  TooManyRequests,
  Unauthenticated,
  Upstream,
} from '../errors';

export * from '../errors';

const TYPE_BASE = 'https://vcd-serverless.dev/problems/';

/** Each error meaning's status, problem type and title: the one place they are mapped (STYLE). */
const MAPPING: Array<[new (...args: never[]) => AppError, number, string, string]> = [
  [Invalid, 400, 'invalid-request', 'The request is invalid'],
  [Unauthenticated, 401, 'unauthenticated', 'Authentication required'],
  [Forbidden, 403, 'forbidden', 'Not allowed for this organization'],
  [NotFound, 404, 'not-found', 'Not found'],
  [MethodNotAllowed, 405, 'method-not-allowed', 'Method not allowed'],
  [NotAcceptable, 406, 'not-acceptable', 'Not acceptable'],
  [QuotaExceeded, 409, 'quota-exceeded', 'Quota exceeded'],
  [Conflict, 409, 'conflict', 'Conflict'],
  [PayloadTooLarge, 413, 'payload-too-large', 'Request body too large'],
  [TooManyRequests, 429, 'too-many-requests', 'Too many requests'],
  [Upstream, 502, 'upstream', 'Bad gateway'],
  [NotReady, 503, 'not-ready', 'Not ready'],
  [Timeout, 504, 'timeout', 'Timed out'],
];

export function toProblem(err: AppError, instance?: string): Problem {
  const entry = MAPPING.find(([cls]) => err instanceof cls);
  const [, status, slug, title] = entry ?? [AppError, 500, 'internal', 'Internal error'];
  const type = err instanceof Upstream && err.cause !== 'upstream' ? `${slug}/${err.cause}` : slug;
  const problem: Problem = { type: TYPE_BASE + type, title, status, detail: err.message };
  if (instance) problem.instance = instance;
  if ((err instanceof FieldsError || err instanceof BadAnswer) && err.errors.length) problem.errors = err.errors;
  return problem;
}

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** body-parser's and the router's own errors (malformed JSON, too large, bad charset or encoding, bad path) → our meanings. */
function fromBodyParser(err: { type?: string; status?: number; limit?: number; expose?: boolean; message?: string }): AppError | undefined {
  // The router could not percent-decode a path parameter (`%`, `%zz`).
  if (err instanceof URIError && (err as { status?: number }).status === 400) return new Invalid('the path is not valid percent-encoding', [{ path: '(path)', message: 'malformed percent-encoding' }]);
  // A body that does not decompress as its Content-Encoding says (body-parser gives it no type).
  if (err.type === undefined && err.status === 400 && err.expose) {
    return new Invalid('the body could not be decoded as its Content-Encoding says', [{ path: 'Content-Encoding', message: String(err.message ?? 'undecodable body') }]);
  }
  switch (err.type) {
    case 'entity.parse.failed':
      return new Invalid('the body is not valid JSON', [{ path: '(body)', message: 'malformed JSON' }]);
    case 'entity.too.large':
      return new PayloadTooLarge(`the body is larger than the limit of ${err.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new Invalid('the body has an unsupported encoding or charset', [{ path: '(body)', message: 'unsupported encoding' }]);
    case 'request.aborted':
    case 'stream.encoding.set':
    case 'request.size.invalid':
      return new Invalid('the body could not be read', [{ path: '(body)', message: 'unreadable body' }]);
    default:
      return undefined;
  }
}

/** The last middleware: every error leaves as problem+json; a 500 never carries a stack or SQL. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known =
      err instanceof AppError
        ? err
        : (fromBodyParser(err ?? {}) ??
          (isUnstorableText(err) ? new Invalid('the request holds a character that cannot be stored, such as NUL', [{ path: '(request)', message: 'unstorable character' }]) : undefined));
    if (res.headersSent) {
      res.end();
      return;
    }
    if (known) {
      if (known instanceof MethodNotAllowed) res.setHeader('Allow', known.allowed.join(', '));
      if (known instanceof TooManyRequests) res.setHeader('Retry-After', String(known.retryAfterSeconds));
      sendProblem(res, toProblem(known, req.originalUrl.split('?')[0]));
      return;
    }
    log.error({ err, requestId: res.locals.requestId }, 'unhandled error');
    sendProblem(res, {
      type: TYPE_BASE + 'internal',
      title: 'Internal error',
      status: 500,
      detail: 'an unexpected error occurred; see the backend log for request ' + String(res.locals.requestId ?? ''),
    });
  };
}

/** Anything no route answered. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFound(`no resource at ${req.method} ${req.path}`));
};
