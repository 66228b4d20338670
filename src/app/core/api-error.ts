import { HttpErrorResponse } from '@angular/common/http';
import type { Problem } from '../../../contract/problem';

/** One invalid field named by the backend; `path` is dotted, e.g. "trigger.route". */
export interface FieldError {
  path: string;
  message: string;
}

/** What the UI shows for a failed API call: the problem's detail, or nothing when the answer carried none. */
export interface ApiError {
  status: number;
  title?: string;
  detail?: string;
  fieldErrors: FieldError[];
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).detail === 'string';
}

/** vCD's own JSON error (e.g. its 404): `{"majorErrorCode":404,"minorErrorCode":"..","message":".."}`. */
function isVcdError(body: unknown): body is { message: string } {
  return typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string';
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Maps any HTTP failure to an ApiError: problem+json first, then vCD's error shape, else status only. */
export function toApiError(error: unknown): ApiError {
  if (!(error instanceof HttpErrorResponse)) {
    return { status: 0, detail: error instanceof Error ? error.message : undefined, fieldErrors: [] };
  }
  const body = parseBody(error.error);
  if (isProblem(body)) {
    return {
      status: body.status ?? error.status,
      title: body.title,
      detail: body.detail,
      fieldErrors: (body.errors ?? []).map((e) => ({ path: e.path, message: e.message })),
    };
  }
  if (isVcdError(body)) return { status: error.status, detail: body.message, fieldErrors: [] };
  return { status: error.status, fieldErrors: [] };
}
