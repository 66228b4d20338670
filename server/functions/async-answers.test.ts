import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../testing/until';
import { api, jsonOf, newFunction, startHarness, STORES, type Harness } from '../testing/harness';

/**
 * Issue 19: a queued call's answer reaches no browser, so its activation is what the user sees of it. The response
 * policy judges it as it judges a route's answer: dropped headers named, a malformed answer an error with its logs.
 */

type Activation = { id: string; trigger: string; attempt?: number; status: string; statusCode: number; logs: string[]; droppedHeaders: string[] };

/** Answers with headers a function may not set, or a CR/LF in one when the body asks for it. */
const ANSWERS = `module.exports = async (event) => {
  console.log('answering ' + JSON.stringify(event.body));
  if (event.body && event.body.malformed) return { statusCode: 200, headers: { 'x-note': 'ok\\r\\nSet-Cookie: vcloud_session_id=planted' }, body: 'ok' };
  return { statusCode: 200, body: { ok: true }, headers: {
    'set-cookie': 'vcloud_session_id=planted; Path=/',
    'x-vmware-vcloud-access-token': 'planted',
    'x-vcloud-authorization': 'planted',
    'content-security-policy': "default-src * 'unsafe-inline'",
    'x-order': '7',
  } };
};`;

describe.each(STORES)('answers of queued calls on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;

  const activation = (id: string) =>
    until(`activation ${id}`, async () => {
      const r = await acme.get(`/api/org/acme/faas/activations/${id}`);
      return r.status === 200 ? ((await r.json()) as Activation) : undefined;
    });
  const deadLetters = async () => jsonOf(await acme.get('/api/org/acme/faas/functions/answers/dead-letters'));

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { asyncPollMs: 50, asyncRetryBaseMs: 20, orgRateLimitPerMinute: 0 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('answers', { code: ANSWERS, async: { maxRetries: 0 } }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'answers')).status).toBe('ready');
  }, 180_000);
  afterAll(() => h?.close());

  const queueings = [
    { how: 'X-Invocation-Type: Event', queue: (body: unknown) => acme.post('/api/org/acme/answers', body, { 'X-Invocation-Type': 'Event' }) },
    { how: 'POST .../functions/answers/invocations', queue: (body: unknown) => acme.post('/api/org/acme/faas/functions/answers/invocations', body) },
  ];

  for (const { how, queue } of queueings) {
    it(`names the cookie, vCD's tokens and the content policy it dropped in the activation of a call queued by ${how}`, async () => {
      const res = await queue({ n: 1 });
      expect(res.status).toBe(202);
      // The 202 is the platform's own answer: nothing the function will say is on it.
      expect(res.headers.get('set-cookie')).toBeNull();
      const run = await activation(res.headers.get('x-activation-id')!);
      expect(run).toMatchObject({ trigger: 'async', attempt: 1, status: 'success', statusCode: 200 });
      expect([...run.droppedHeaders].sort()).toEqual(['content-security-policy', 'set-cookie', 'x-vcloud-authorization', 'x-vmware-vcloud-access-token']);
      expect(run.logs.join('\n')).toContain('answering {"n":1}');
    });

    it(`records a malformed answer of a call queued by ${how} as the function's error with its logs, and dead-letters it naming the fault`, async () => {
      const before = (await deadLetters()).total as number;
      const res = await queue({ malformed: true, how });
      expect(res.status).toBe(202);
      const id = res.headers.get('x-activation-id')!;
      const run = await activation(id);
      expect(run).toMatchObject({ trigger: 'async', attempt: 1, status: 'error', statusCode: 502, droppedHeaders: [] });
      // The function's own log line (its body as the store keeps it, keys in any order): what it did before the bad answer.
      expect(run.logs.join('\n')).toMatch(/answering \{.*"malformed":true/);
      expect(run.logs.join('\n')).toContain(`"how":"${how}"`);
      // maxRetries 0: the one attempt failed, so the call is a dead letter whose error says what was wrong.
      const dead = await until('the dead letter', async () => {
        const list = await deadLetters();
        return list.total === before + 1 ? (list.items as { id: string; error: { message: string; status: string; statusCode: number } }[]).find((d) => d.id === id) : undefined;
      });
      expect(dead.error).toMatchObject({ status: 'error', statusCode: 502 });
      expect(dead.error.message).toContain('headers["x-note"]');
      expect(dead.error.message).toMatch(/bad answer/);
    });
  }
});
