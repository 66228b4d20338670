import fc from 'fast-check';
import { PLATFORM_SECURITY_HEADERS } from '../functions/response-policy';

/**
 * Issue 19, fuzzing what functions answer and what callers send beside bodies and queries: generated answers
 * `{statusCode, headers, body}`, request headers and path parameters, and the oracle that judges an answer.
 */

/** Headers docs/functions.md lets a function set (besides its own `x-` ones). */
export const DOCUMENTED_ALLOWED = ['content-type', 'content-language', 'content-disposition', 'cache-control', 'expires', 'etag', 'last-modified', 'vary', 'retry-after', 'location'];

/** Headers that must never reach the browser with the function's value. */
const NEVER_THE_FUNCTIONS = [
  'set-cookie', 'authorization', 'x-vcloud-authorization', 'x-vmware-vcloud-access-token', 'x-vmware-vcloud-token-type', 'x-activation-id',
  'x-request-id', 'content-security-policy', 'x-frame-options', 'x-content-type-options', 'cross-origin-resource-policy', 'referrer-policy',
  'access-control-allow-origin', 'access-control-allow-credentials', 'strict-transport-security', 'refresh', 'clear-site-data', 'link',
  'www-authenticate', 'content-length', 'transfer-encoding', 'connection', 'content-encoding', 'x-accel-redirect', 'alt-svc', 'service-worker-allowed',
];

/** What the backend or Node itself puts on a function's answer. */
const PLATFORM_OWN = new Set([
  ...Object.keys(PLATFORM_SECURITY_HEADERS).map((n) => n.toLowerCase()),
  'cross-origin-opener-policy', 'origin-agent-cluster', 'strict-transport-security', 'x-dns-prefetch-control', 'x-download-options',
  'x-permitted-cross-domain-policies', 'x-xss-protection', 'x-request-id', 'x-activation-id', 'date', 'connection', 'keep-alive',
  'content-length', 'transfer-encoding', 'etag', 'content-type',
]);

// Weighted so that about half the answers are well-formed: the served half is where headers are filtered.
const headerName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...DOCUMENTED_ALLOWED, ...NEVER_THE_FUNCTIONS, 'X-Shop', 'x-vmware-vcloud-request-id', 'x-forwarded-host', 'Content-Type', 'SET-COOKIE') },
  { weight: 4, arbitrary: fc.stringMatching(/^x-[a-z0-9-]{1,12}$/) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }) },
);
const headerValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 30 }) },
  {
    weight: 6,
    arbitrary: fc.constantFrom('text/html', 'application/json', 'text/plain; charset=utf-8', 'public, max-age=60', 'private', 'https://evil.example/', '//evil.example', '/\\evil.example', '/ok', '/provider/', '../..', '/api/org/acme/%2e%2e/globex/x', '/api/org/acme/done', 'next', `0; url=https://evil.example/`),
  },
  { weight: 1, arbitrary: fc.constantFrom('html', 'a\r\nSet-Cookie: x=1', 'a\nb', 'a\0b', '\u00e9t\u00e9', '☕') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.integer().map((n) => n as unknown as string) },
);

/** Arbitrary answers: about half well-formed, the others malformed in one or several ways. */
export const answers = fc.record(
  {
    statusCode: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(200, 201, 204, 301, 302, 304, 400, 404, 418, 500, 502, 503, 599) },
      { weight: 2, arbitrary: fc.integer({ min: -5, max: 1100 }) },
      { weight: 1, arbitrary: fc.double() },
      { weight: 1, arbitrary: fc.constantFrom('200', null, true) as fc.Arbitrary<unknown> },
    ),
    headers: fc.oneof(
      { weight: 12, arbitrary: fc.dictionary(headerName, headerValue, { maxKeys: 4 }) },
      { weight: 1, arbitrary: fc.constantFrom('x', [], null, { 'x-big': 'y'.repeat(9000) }) as fc.Arbitrary<unknown> },
    ),
    body: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
  },
  { requiredKeys: [] },
);

export type GeneratedAnswer = { statusCode?: unknown; headers?: unknown; body?: unknown };

const given = (a: GeneratedAnswer): Map<string, string> => {
  const out = new Map<string, string>();
  if (a.headers && typeof a.headers === 'object' && !Array.isArray(a.headers)) {
    for (const [n, v] of Object.entries(a.headers)) out.set(n.toLowerCase(), String(v));
  }
  return out;
};

/**
 * What is wrong with the answer the caller got for a generated function answer, if anything: it must be the
 * function's own status or a 502 bad-result naming a field, never a 500 of the platform; no header the function may
 * not set carries its value; the platform's security headers are there. `strict`: no header outside the documented
 * allowlist and the platform's own (direct to the backend; vCD adds its own in front).
 */
export function judgeAnswer(a: GeneratedAnswer, res: { status: number; headers: Headers; text: string }, strict: boolean): string | undefined {
  const status = a.statusCode === undefined ? 200 : a.statusCode;
  const gave = given(a);
  for (const [name, value] of Object.entries(PLATFORM_SECURITY_HEADERS)) if (res.headers.get(name) !== value) return `${name} is ${res.headers.get(name)}`;
  if (res.status === 502 && res.headers.get('content-type')?.startsWith('application/problem+json')) {
    const problem = JSON.parse(res.text) as { type?: string; errors?: { path: string }[] };
    if (!/\/upstream\/(bad-result|response-too-large)$/.test(problem.type ?? '')) return `502 of type ${problem.type}`;
    if (/bad-result$/.test(problem.type ?? '') && !problem.errors?.every((e) => /^(statusCode|headers|body|\(answer\))/.test(e.path))) return `502 names ${JSON.stringify(problem.errors)}`;
    return undefined;
  }
  if (res.status !== status) return `answered ${res.status} for a function status ${JSON.stringify(status)}: ${res.text.slice(0, 200)}`;
  for (const [name, value] of res.headers) {
    const theirs = gave.get(name);
    if (NEVER_THE_FUNCTIONS.includes(name) && theirs !== undefined && value === theirs && !(name in lower(PLATFORM_SECURITY_HEADERS))) return `${name}: ${value} passed`;
    if (name === 'location' && !stays(value)) return `location ${value} leaves the org's own routes`;
    if (!strict || PLATFORM_OWN.has(name)) continue;
    const allowed = DOCUMENTED_ALLOWED.includes(name) || (name.startsWith('x-') && !/^x-(vmware|vcloud|forwarded)-/.test(name));
    if (!allowed) return `${name} is not a header a function may set`;
    // A recipient may trim a value's outer whitespace (HTTP's OWS); any other difference is not the function's.
    if (theirs === undefined || (theirs !== value && theirs.replace(/^[\t ]+|[\t ]+$/g, '') !== value)) return `${name}: ${value} was not the function's ${theirs}`;
  }
  if (res.headers.getSetCookie().some((c) => [...gave.values()].includes(c))) return 'a cookie of the function passed';
  return undefined;
}

/** A redirect the function may give: one that lands under /api/org/acme/ (the fuzzed function is /api/org/acme/echo). */
function stays(location: string): boolean {
  try {
    const to = new URL(location, 'https://vcd.invalid/api/org/acme/echo');
    return to.origin === 'https://vcd.invalid' && to.pathname.toLowerCase().startsWith('/api/org/acme/');
  } catch {
    return false;
  }
}

const lower = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));

/** Request headers fetch lets a client send: valid names, visible-ASCII values, often ones the backend reads. */
export const requestHeaders = fc.dictionary(
  fc.oneof(
    fc.constantFrom('content-type', 'accept', 'x-request-id', 'x-vcloud-security-context', 'x-vcloud-context-signature', 'content-encoding', 'if-none-match', 'x-forwarded-for', 'accept-encoding', 'range', 'x-http-method-override'),
    fc.stringMatching(/^x-[a-z0-9-]{1,16}$/),
  ),
  fc.oneof(fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,60}$/), fc.constantFrom('gzip', 'br', 'application/json', 'text/csv', '*/*', 'bytes=0-1', 'DELETE', 'a'.repeat(2000))),
  { maxKeys: 5 },
);

/** A path parameter as a URL segment: arbitrary text encoded, or raw text vCD could pass on as it came. */
export const pathSegment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map(encodeURIComponent),
  // Not '.' or '..': the client resolves them before sending.
  fc.constantFrom('%', '%zz', '%C0%AF', '%00', '%2F', 'a%2Fb', 'x'.repeat(300), '~', "'", '%E2%80%AE'),
).filter((s) => !/^\.{1,2}$/.test(s));
