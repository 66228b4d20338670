import type { ZodError, ZodType, ZodTypeDef } from 'zod';

/**
 * One error type per meaning (STYLE). Services throw these; server/http/errors.ts maps each once to problem+json.
 */
export interface FieldError {
  /** Dotted path of the offending field, e.g. "trigger.route". */
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
}

/** An error about particular fields of the request, each named in problem+json's errors[]. */
export class FieldsError extends AppError {
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** The request is malformed or a field is invalid (400). */
export class Invalid extends FieldsError {
  override name = 'Invalid';
}

/** No, wrong or expired credentials (401). */
export class Unauthenticated extends AppError {
  override name = 'Unauthenticated';
}

/** Authenticated, but this org is not the caller's (403). */
export class Forbidden extends AppError {
  override name = 'Forbidden';
}

export class NotFound extends AppError {
  override name = 'NotFound';
}

/** The route exists but not for this method (405). */
export class MethodNotAllowed extends AppError {
  override name = 'MethodNotAllowed';
  constructor(
    message: string,
    readonly allowed: string[],
  ) {
    super(message);
  }
}

/** The route cannot answer in any type the Accept header allows (406). */
export class NotAcceptable extends AppError {
  override name = 'NotAcceptable';
}

/** Would clash with something that exists, e.g. a duplicate name or route (409). */
export class Conflict extends FieldsError {
  override name = 'Conflict';
}

/** An org quota, e.g. its function count, is used up; freeing something (deleting a function) makes room (409). */
export class QuotaExceeded extends Conflict {
  override name = 'QuotaExceeded';
}

/** Too many calls at once, e.g. an org's concurrent invocations (429 with Retry-After). */
export class TooManyRequests extends AppError {
  override name = 'TooManyRequests';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The body is larger than the configured limit (413). */
export class PayloadTooLarge extends AppError {
  override name = 'PayloadTooLarge';
}

/** The thing exists but cannot serve yet, e.g. a function still initializing or failed (503). */
export class NotReady extends AppError {
  override name = 'NotReady';
}

/** Something we depend on answered wrongly: vCD, or a function's handler (threw, ran out of memory) (502). */
export class Upstream extends AppError {
  override name = 'Upstream';
  constructor(
    message: string,
    /** Machine-readable cause, becomes part of the problem type, e.g. "handler-error", "memory-limit". */
    readonly cause: string = 'upstream',
  ) {
    super(message);
  }
}

/** A function answered something that is not a valid answer (bad status, header or body), each fault named (502). */
export class BadAnswer extends Upstream {
  override name = 'BadAnswer';
  constructor(
    message: string,
    readonly errors: FieldError[],
  ) {
    super(message, 'bad-result');
  }
}

/** Something we depend on did not answer in time, e.g. a handler past its timeout (504). */
export class Timeout extends AppError {
  override name = 'Timeout';
}

/** zod issues → one FieldError per field; unknown keys are named one by one. */
export function fieldErrors(error: ZodError, prefix: string[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...base, key].join('.'), message: `unknown field "${key}"` });
    } else {
      out.push({ path: base.join('.') || '(body)', message: issue.message });
    }
  }
  return out;
}

/** Validates with a zod schema or throws Invalid naming every bad field. */
export function parseOrThrow<T>(schema: ZodType<T, ZodTypeDef, unknown>, value: unknown, what: string, prefix: string[] = []): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error, prefix);
  throw new Invalid(`${what}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
}
