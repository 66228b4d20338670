import type { CreateFunctionRequest, FunctionStatus, FunctionView } from '../../../contract/functions';
import type { Page } from '../../../contract/problem';

/** A function as the plugin's screens show it (wire type FunctionView converted by toServerlessFunction). */
export interface ServerlessFunction {
  name: string;
  runtime: string;
  status: FunctionStatus;
  /** The trigger route relative to the org, e.g. "hello". */
  route: string;
  /** The full invoke path through vCD, e.g. "/api/org/acme/hello". */
  url: string;
  code: string;
  error?: { message: string; line?: number; column?: number };
  createdAt: Date;
  updatedAt: Date;
}

export interface FunctionList {
  items: ServerlessFunction[];
  total: number;
}

/** What the "New function" form collects. */
export interface NewFunction {
  name: string;
  runtime: 'nodejs20';
  route: string;
  code: string;
}

/** A function's answer to an Invoke: whatever status it had, with the body as text (pretty when JSON). */
export interface InvokeResult {
  status: number;
  contentType: string;
  body: string;
}

export function toServerlessFunction(wire: FunctionView): ServerlessFunction {
  return {
    name: wire.name,
    runtime: wire.runtime,
    status: wire.status,
    route: wire.trigger.route,
    url: wire.url,
    code: wire.code,
    error: wire.error ? { ...wire.error } : undefined,
    createdAt: new Date(wire.createdAt),
    updatedAt: new Date(wire.updatedAt),
  };
}

export function toFunctionList(page: Page<FunctionView>): FunctionList {
  return { items: page.items.map(toServerlessFunction), total: page.total };
}

export function fromNewFunction(form: NewFunction): CreateFunctionRequest {
  return {
    name: form.name.trim(),
    runtime: form.runtime,
    code: form.code,
    trigger: { type: 'http', route: form.route.trim().replace(/^\/+|\/+$/g, '') },
  };
}

export function toInvokeResult(response: { status: number; headers: { get(name: string): string | null }; body: string | null }): InvokeResult {
  const contentType = response.headers.get('Content-Type') ?? '';
  const body = response.body ?? '';
  return { status: response.status, contentType, body: contentType.includes('json') ? prettyJson(body) : body };
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export const isInitializing = (fn: ServerlessFunction): boolean => fn.status === 'initializing';
