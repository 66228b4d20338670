import { BadAnswer, type FieldError } from '../errors';

/**
 * The function response policy (issue 19, docs/functions.md "What a function may answer"). A function's route is
 * served from vCD's own host, the origin of the tenant and provider portals, so what a function answers is checked
 * and filtered here, in the backend, before any transport (HTTP forwarding, AMQP, MQTT) carries it: a malformed
 * answer is the function's error (502 naming what was wrong), a header the function may not set is dropped and
 * named in the activation, and the platform's security headers are the ones the browser gets.
 */

/** Set on every answer of a function route, errors included; a function cannot replace them. */
export const PLATFORM_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // sandbox: an opaque origin (no cookies, storage or vCD API of the portal), no scripts, forms or popups;
  // default-src 'none': not even a stylesheet or image is fetched. A function serves data, not an app on vCD's origin.
  'Content-Security-Policy': "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

const PLATFORM_ENTRIES = Object.entries(PLATFORM_SECURITY_HEADERS);

/** Sets PLATFORM_SECURITY_HEADERS on an answer, replacing whatever was set under those names. */
export function setPlatformSecurityHeaders(res: { setHeader(name: string, value: string): unknown }): void {
  for (const [name, value] of PLATFORM_ENTRIES) res.setHeader(name, value);
}

/** Standard headers a function may set: how to read, cache and revalidate its answer; where it redirects to. */
const ALLOWED = new Set([
  'content-type',
  'content-language',
  'content-disposition',
  'cache-control',
  'expires',
  'etag',
  'last-modified',
  'vary',
  'retry-after',
  'location',
]);

/** `x-` headers that are vCD's, the platform's, a proxy's instruction or a legacy security header: never the function's. */
const DENIED_X_PREFIXES = ['x-vmware-', 'x-vcloud-', 'x-forwarded-', 'x-accel-', 'x-lighttpd-', 'x-activation-'];
const DENIED_X = new Set([
  'x-request-id',
  'x-correlation-id',
  'x-real-ip',
  'x-frame-options',
  'x-content-type-options',
  'x-xss-protection',
  'x-content-security-policy',
  'x-webkit-csp',
  'x-ua-compatible',
  'x-permitted-cross-domain-policies',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-sendfile',
  'x-powered-by',
  'x-original-url',
  'x-rewrite-url',
]);

/** At most this many headers, and this many bytes of names and values together (proxies in front of vCD cap them). */
export const MAX_ANSWER_HEADERS = 64;
export const MAX_ANSWER_HEADER_BYTES = 8 * 1024;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII, space and tab: no CR/LF (response splitting), no NUL, nothing a transport re-encodes. */
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*(;.*)?$/;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** What the runtime got back from the handler, before any check. */
export interface RawAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface AnswerContext {
  functionName: string;
  org: string;
  /** The function's route (`shop`), null for an event function. */
  route: string | null;
  /** The request path the answer goes back to (`/api/org/acme/shop/cart`); absent for an event. */
  path?: string;
}

export interface SafeAnswer {
  statusCode: number;
  /** Only headers the function may set, lower-cased names. */
  headers: Record<string, string>;
  /** Lower-cased names of the headers the policy dropped, each once. */
  dropped: string[];
}

const at = (name: string) => `headers[${JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name)}]`;
const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v));

function badAnswer(functionName: string, errors: FieldError[]): BadAnswer {
  const listed = errors.slice(0, 10);
  return new BadAnswer(`function "${functionName}" gave a bad answer: ${listed.map((e) => `${e.path}: ${e.message}`).join('; ')}`, listed);
}

/**
 * The shape runtimes read from a handler's result: an object with an integer statusCode (default 200), headers
 * with string values (default none) and any body. Throws BadAnswer naming each wrong field.
 */
export function parseHandlerResult(functionName: string, result: unknown): RawAnswer {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    const got = result === null ? 'null' : Array.isArray(result) ? 'an array' : typeof result;
    throw new BadAnswer(`function "${functionName}" returned no {statusCode, headers, body} object, got ${got}`, [
      { path: '(answer)', message: `must be an object {statusCode, headers, body}, got ${got}` },
    ]);
  }
  const r = result as Record<string, unknown>;
  const errors: FieldError[] = [];
  // Only a missing field takes the default: null (Python's None, JSON's NaN) is not a status or headers.
  const statusCode = r.statusCode === undefined ? 200 : r.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode)) errors.push({ path: 'statusCode', message: `must be an integer, got ${shown(statusCode)}` });
  const headers = r.headers === undefined ? {} : r.headers;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    errors.push({ path: 'headers', message: 'must be an object of header names to string values' });
  } else {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') errors.push({ path: at(name), message: `must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}` });
    }
  }
  if (errors.length) throw badAnswer(functionName, errors);
  return { statusCode: statusCode as number, headers: headers as Record<string, string>, body: r.body };
}

/** Why a header the function set is not passed on, or undefined when it may be. */
function refusal(name: string, value: string, ctx: AnswerContext): string | undefined {
  if (name.startsWith('x-')) return DENIED_X.has(name) || DENIED_X_PREFIXES.some((p) => name.startsWith(p)) ? 'reserved' : undefined;
  if (!ALLOWED.has(name)) return 'not allowed';
  // Behind the caller's vCD session: a shared cache must not keep it for others.
  if (name === 'cache-control' && /(^|[\s,])(public|s-maxage)\b/i.test(value)) return 'public caching';
  if (name === 'location' && !redirectAllowed(value, ctx)) return 'foreign redirect';
  return undefined;
}

/**
 * Only a relative reference (`next`, `?page=2`, `../done`) or an absolute path, either of which lands under the
 * function's own org prefix `/api/org/{org}/` once `..`, `%2e` and the like are resolved: never another host, nor
 * vCD's own pages and API on this host (`/provider/...`, `/tenant/...`, `/cloudapi/...`). No scheme, no `//host`,
 * no backslash, whitespace or encoded separator that a browser or a proxy in front of vCD could read differently.
 */
function redirectAllowed(value: string, ctx: AnswerContext): boolean {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || /[\\\s]/.test(value) || value.includes('//')) return false;
  // In the path, %2F and %5C are a separator to some proxies and a plain character to the browser: neither reading is safe.
  if (/%(2f|5c)/i.test(value.split(/[?#]/)[0])) return false;
  const prefix = `/api/org/${encodeURIComponent(ctx.org)}/`.toLowerCase();
  try {
    const base = new URL(`https://vcd.invalid${ctx.path ?? `/api/org/${ctx.org}/${ctx.route ?? ''}`}`);
    // WHATWG URL resolution: `..`, `.`, `%2e` and `.%2E` segments are removed, as the browser does before it follows.
    const to = new URL(value, base);
    return to.origin === base.origin && to.pathname.toLowerCase().startsWith(prefix);
  } catch {
    return false;
  }
}

/** Status, header syntax and sizes, content type against body: every fault of the answer, or none. */
function faults(answer: RawAnswer): FieldError[] {
  const errors: FieldError[] = [];
  const { statusCode, headers, body } = answer;
  if (statusCode < 200 || statusCode > 599) errors.push({ path: 'statusCode', message: `must be from 200 to 599, got ${statusCode}` });
  // A browser answers 407 by asking for its proxy's credentials: on vCD's origin, a prompt a function must not raise.
  if (statusCode === 407) errors.push({ path: 'statusCode', message: '407 is a proxy asking for credentials, not an answer of a function' });
  const entries = Object.entries(headers);
  if (entries.length > MAX_ANSWER_HEADERS) errors.push({ path: 'headers', message: `at most ${MAX_ANSWER_HEADERS} headers, got ${entries.length}` });
  let bytes = 0;
  const seen = new Map<string, string>();
  for (const [name, value] of entries) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
    if (!TOKEN.test(name)) errors.push({ path: at(name), message: 'is not a valid header name (letters, digits and !#$%&\'*+-.^_`|~ only)' });
    else if (!FIELD_VALUE.test(value)) errors.push({ path: at(name), message: 'has a character a header value may not hold (CR, LF, NUL, other control or non-ASCII characters)' });
    const lower = name.toLowerCase();
    const twice = seen.get(lower);
    if (twice !== undefined) errors.push({ path: at(name), message: `is set twice (also as ${JSON.stringify(twice)})` });
    seen.set(lower, name);
  }
  if (bytes > MAX_ANSWER_HEADER_BYTES) errors.push({ path: 'headers', message: `at most ${MAX_ANSWER_HEADER_BYTES} bytes of headers, got ${bytes}` });
  const type = entries.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  if (type !== undefined && FIELD_VALUE.test(type) && !MEDIA_TYPE.test(type)) {
    errors.push({ path: at('content-type'), message: `is not a media type such as text/plain, got ${shown(type)}` });
  }
  if (body !== undefined && body !== null && typeof body !== 'string' && type !== undefined && !JSON_TYPE.test(type)) {
    errors.push({ path: 'body', message: `is ${Array.isArray(body) ? 'an array' : typeof body} (sent as JSON) but content-type is ${shown(type)}; send a string body for it` });
  }
  return errors;
}

/**
 * Applies the policy to a handler's answer: throws BadAnswer (502 bad-result) naming each fault; otherwise returns
 * the status, the headers the function may set and the names of those dropped.
 */
export function applyResponsePolicy(answer: RawAnswer, ctx: AnswerContext): SafeAnswer {
  const errors = faults(answer);
  if (errors.length) throw badAnswer(ctx.functionName, errors);
  const headers: Record<string, string> = {};
  const dropped = new Set<string>();
  for (const [given, value] of Object.entries(answer.headers)) {
    const name = given.toLowerCase();
    if (refusal(name, value, ctx)) dropped.add(name);
    else headers[name] = value;
  }
  return { statusCode: answer.statusCode, headers, dropped: [...dropped] };
}
