import { expect } from 'vitest';
import { PLATFORM_SECURITY_HEADERS } from '../functions/response-policy';

/**
 * Issue 19, what a function answers to a browser on vCD's origin: the attacks the sandbox suite tries through vCD
 * and directly, in every runtime. One function per runtime answers each attack by `?attack=` name.
 */

/** Every value a function plants carries this, so the test can look for it in whatever the browser got. */
export const PLANTED = 'planted-by-the-function';

export interface SeenAnswer {
  status: number;
  headers: Headers;
  text: string;
  activation: { status: string; statusCode: number; logs: string[]; droppedHeaders: string[] };
}

export interface AnswerAttack {
  name: string;
  answer: { statusCode?: number; headers?: Record<string, string>; body?: unknown };
  check: (seen: SeenAnswer, route: string) => void;
}

/** Every header the browser got, Set-Cookie one by one: none may hold what the function planted. */
function nothingPlanted(headers: Headers): void {
  const all = [...headers.entries(), ...headers.getSetCookie().map((c) => ['set-cookie', c] as const)];
  for (const [name, value] of all) expect(`${name}: ${value}`).not.toContain(PLANTED);
}

function platformHeadersWon(headers: Headers): void {
  for (const [name, value] of Object.entries(PLATFORM_SECURITY_HEADERS)) expect(headers.get(name), name).toBe(value);
}

const served = (status: number, dropped: string[]) => (seen: SeenAnswer) => {
  expect(seen.status).toBe(status);
  platformHeadersWon(seen.headers);
  nothingPlanted(seen.headers);
  expect(seen.activation).toMatchObject({ status: 'success', statusCode: status });
  expect([...seen.activation.droppedHeaders].sort()).toEqual([...dropped].sort());
};

/** A 502 problem naming the fault, the function's own logs kept in the activation, nothing of the answer served. */
const refused = (fault: string) => (seen: SeenAnswer) => {
  expect(seen.status).toBe(502);
  expect(seen.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(seen.text) as { type: string; detail: string; errors: { path: string }[] };
  expect(problem.type).toMatch(/\/upstream\/bad-result$/);
  expect(problem.errors.map((e) => e.path)).toContain(fault);
  expect(problem.detail).toContain(fault);
  platformHeadersWon(seen.headers);
  nothingPlanted(seen.headers);
  expect(seen.activation).toMatchObject({ status: 'error', statusCode: 502 });
  expect(seen.activation.logs.join('\n')).toMatch(/answering/);
};

const redirect = (location: string): AnswerAttack['answer'] => ({ statusCode: 302, headers: { location: location.replace('EVIL', `https://${PLANTED}.example/`) } });

export const ANSWER_ATTACKS: AnswerAttack[] = [
  {
    name: 'serves a script as HTML with its own lax content policy (script on the vCD origin)',
    answer: {
      headers: { 'content-type': 'text/html', 'content-security-policy': `default-src * 'unsafe-inline' ${PLANTED}`, 'x-content-type-options': PLANTED },
      body: `<script>fetch('/api/sessions', { method: 'DELETE' })</script>`,
    },
    check: (seen) => {
      served(200, ['content-security-policy', 'x-content-type-options'])(seen);
      // Served as it was, but in a sandbox with no script allowed: the browser runs none of it on vCD's origin.
      expect(seen.text).toContain('<script>');
      expect(seen.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
    },
  },
  {
    name: 'serves an SVG image with a script in it (script on the vCD origin)',
    answer: { headers: { 'content-type': 'image/svg+xml' }, body: `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>` },
    check: (seen) => {
      served(200, [])(seen);
      expect(seen.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    },
  },
  {
    name: "plants vCD's session cookie and access tokens (cookie and token injection)",
    answer: {
      headers: {
        'set-cookie': `vcloud_session_id=${PLANTED}; Path=/`,
        authorization: `Bearer ${PLANTED}`,
        'x-vmware-vcloud-access-token': PLANTED,
        'x-vcloud-authorization': PLANTED,
        'x-activation-id': PLANTED,
        'x-shop-items': '3',
        'cache-control': 'no-store',
      },
      body: { ok: true },
    },
    check: (seen) => {
      served(200, ['set-cookie', 'authorization', 'x-vmware-vcloud-access-token', 'x-vcloud-authorization', 'x-activation-id'])(seen);
      expect(seen.headers.get('x-shop-items')).toBe('3');
      expect(seen.headers.get('cache-control')).toBe('no-store');
    },
  },
  {
    name: 'lets any site frame it (framing)',
    answer: { headers: { 'x-frame-options': 'ALLOWALL', 'content-security-policy': `frame-ancestors * ${PLANTED}` }, body: 'click here' },
    check: served(200, ['x-frame-options', 'content-security-policy']),
  },
  ...['EVIL', '//EVIL', '/\\EVIL', '/\t/EVIL'].map((to) => ({
    name: `redirects to another host as ${JSON.stringify(to.replace('EVIL', 'evil'))} (open redirect)`,
    answer: redirect(to),
    check: (seen: SeenAnswer) => {
      served(302, ['location'])(seen);
      expect(seen.headers.get('location')).toBeNull();
    },
  })),
  // vCD's host, but not the function's: the portals, vCD's API, another org's functions, or there by `..` and encodings.
  ...[
    '/provider/administration/settings',
    '/tenant/acme/vdcs',
    '/cloudapi/1.0.0/sessions/current',
    '/api/org/globex/bystander',
    '/api/org/acme/../../../provider',
    '/api/org/acme/%2e%2e/%2E%2E/%2e%2e/cloudapi/1.0.0/users',
    '../../../../tenant/acme',
    '/api/org/acme/..%2F..%2F..%2Fprovider',
    '/api/org/acme\\..\\..\\..\\provider',
  ].map((to) => ({
    name: `redirects elsewhere on vCD's host to ${JSON.stringify(to)} (same-host redirect)`,
    answer: { statusCode: 302, headers: { location: to } },
    check: (seen: SeenAnswer) => {
      served(302, ['location'])(seen);
      expect(seen.headers.get('location')).toBeNull();
    },
  })),
  {
    name: "redirects to another route of its own org by absolute path (allowed)",
    answer: { statusCode: 307, headers: { location: '/api/org/acme/shop/done?order=7' } },
    check: (seen) => {
      served(307, [])(seen);
      expect(seen.headers.get('location')).toBe('/api/org/acme/shop/done?order=7');
    },
  },
  {
    name: 'redirects after a refresh header (open redirect)',
    answer: { headers: { refresh: `0; url=https://${PLANTED}.example/` }, body: 'moved' },
    check: served(200, ['refresh']),
  },
  {
    name: 'redirects below its own route (allowed)',
    answer: { statusCode: 303, headers: { location: '?step=2' } },
    check: (seen, route) => {
      served(303, [])(seen);
      const to = new URL(seen.headers.get('location')!, `https://vcd.example/api/org/acme/${route}`);
      expect(to.pathname + to.search).toBe(`/api/org/acme/${route}?step=2`);
    },
  },
  {
    name: 'splits its answer with CR/LF in a header value (header smuggling)',
    answer: { headers: { 'x-note': `ok\r\nSet-Cookie: vcloud_session_id=${PLANTED}` }, body: 'ok' },
    check: refused('headers["x-note"]'),
  },
  {
    name: 'sends a header name with a space and a newline (header smuggling)',
    answer: { headers: { 'bad name': 'x', [`x-a\r\nset-cookie: ${PLANTED}`]: 'y' }, body: 'ok' },
    check: refused('headers["bad name"]'),
  },
  {
    name: 'declares its own length and chunking around a body (request smuggling through the proxy)',
    answer: { headers: { 'content-length': '0', 'transfer-encoding': 'chunked', connection: 'keep-alive' }, body: `0\r\n\r\nGET /${PLANTED} HTTP/1.1\r\n\r\n` },
    check: (seen) => {
      served(200, ['content-length', 'transfer-encoding', 'connection'])(seen);
      expect(seen.text).toBe(`0\r\n\r\nGET /${PLANTED} HTTP/1.1\r\n\r\n`);
    },
  },
  { name: 'sends 20 KB of headers', answer: { headers: { 'x-big': 'y'.repeat(20_000) }, body: 'ok' }, check: refused('headers') },
  { name: 'answers status 101 Switching Protocols', answer: { statusCode: 101, body: 'ok' }, check: refused('statusCode') },
  { name: 'answers status 1000', answer: { statusCode: 1000, body: 'ok' }, check: refused('statusCode') },
  { name: 'labels an object body as HTML', answer: { headers: { 'content-type': 'text/html' }, body: { html: '<script>1</script>' } }, check: refused('body') },
];

const answersByName = () => Object.fromEntries(ANSWER_ATTACKS.map((a, i) => [String(i), a.answer]));

/** The attacker for Node (isolate and container): answers attack `?attack=i`, logging first. */
export function nodeAttacker(): string {
  return `const ANSWERS = ${JSON.stringify(answersByName())};
module.exports = async (event) => { console.log('answering ' + event.query.attack); return ANSWERS[event.query.attack]; };`;
}

/** The same attacker in Python (container). */
export function pythonAttacker(): string {
  return `import json
ANSWERS = json.loads(${JSON.stringify(JSON.stringify(answersByName()))})
def handle(event, context):
    print('answering ' + event['query']['attack'])
    return ANSWERS[event['query']['attack']]
`;
}
