import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, apiHeaders, GLOBEX, waitForTask } from '../../mock-vcd/testing/infra';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import type { VcdNotification } from '../vcd/notification';

const VM_CREATE = 'com/vmware/vcloud/event/vm/create';
const VM_DELETE = 'com/vmware/vcloud/event/vm/delete';
/** Logs the event it got as one JSON line, so the test can compare it with what vCD sent. */
const LOG_EVENT = 'module.exports = async (event) => { console.log(JSON.stringify(event)); return { statusCode: 200, body: { seen: event.type } }; };';

/** The event a LOG_EVENT handler printed (console lines carry their level first). */
const loggedEvent = (line: string) => JSON.parse(line.replace(/^info /, ''));

const eventFunction = (name: string, events: string[], code = LOG_EVENT) => ({ name, runtime: 'nodejs20', code, trigger: { type: 'event', events } });

describe.each(STORES)('event-triggered functions on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  let provider: ReturnType<typeof api>;
  let acmeToken: string;
  let globexToken: string;
  const secret: string = randomUUID();

  /** Recomposes the org's demo vApp with one VM from its template, as a tenant would; the mock notifies vm/create. */
  async function createVm(org: typeof ACME | typeof GLOBEX, token: string, name: string) {
    const res = await fetch(`${h.mock.url}/api/vApp/vapp-${org.vapp}/action/recomposeVApp`, {
      method: 'POST',
      headers: apiHeaders(token, { 'Content-Type': 'application/vnd.vmware.vcloud.recomposeVAppParams+json' }),
      body: JSON.stringify({
        sourcedItem: [{ source: { href: `${h.mock.url}/api/vAppTemplate/vm-${org.templateVm}` }, vmGeneralParams: { name } }],
      }),
    });
    expect(res.status).toBe(202);
    const task = await waitForTask(h.mock, token, (await jsonOf(res)).href);
    expect(task.status).toBe('success');
    const sent = h.mock.state.infra.notifier.sent.filter((n) => n.type === VM_CREATE && n.task === `urn:vcloud:task:${task.id.split(':').pop()}`);
    expect(sent).toHaveLength(1);
    return sent[0] as VcdNotification;
  }

  const activationsOf = async (client: ReturnType<typeof api>, org: string, name: string) =>
    (await jsonOf(await client.get(`/api/org/${org}/faas/functions/${name}/activations`))).items as Array<{ trigger: string; logs: string[]; status: string }>;

  async function waitForActivations(client: ReturnType<typeof api>, org: string, name: string, count: number) {
    for (let i = 0; i < 500; i++) {
      const items = await activationsOf(client, org, name);
      if (items.length >= count) return items;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${org}/${name} did not reach ${count} activations`);
  }

  const orgIdOf = async (token: string): Promise<string> =>
    (await jsonOf(await fetch(`${h.mock.url}/cloudapi/1.0.0/sessions/current`, { headers: { Accept: 'application/json;version=37.0', Authorization: `Bearer ${token}` } }))).org.id;

  const deliver = (body: string, signature?: string) =>
    fetch(`${h.backend.url}/notifications/vcd`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(signature ? { 'X-Notification-Signature': signature } : {}) },
      body,
    });
  const sign = (body: string, key = secret) => createHmac('sha256', key).update(body).digest('hex');

  beforeAll(async () => {
    h = await startHarness(kind, { mock: { sharedSecret: secret }, backend: { extensionSharedSecret: secret } });
    acmeToken = await h.login('acme');
    globexToken = await h.login('globex');
    acme = api(() => h.backend.url, acmeToken);
    globex = api(() => h.backend.url, globexToken);
    provider = api(() => h.backend.url, await h.login('provider'));
    for (const [client, org, fn] of [
      [acme, 'acme', eventFunction('on-vm', [VM_CREATE])],
      [acme, 'acme', eventFunction('on-delete', [VM_DELETE])],
      [globex, 'globex', eventFunction('on-vm', [VM_CREATE])],
    ] as const) {
      expect((await client.post(`/api/org/${org}/faas/functions`, fn)).status).toBe(202);
      expect((await client.waitBuilt(org, fn.name)).status).toBe('ready');
    }
  });
  afterAll(() => h?.close());

  it('shows the event trigger on the function and gives it no URL', async () => {
    const view = await jsonOf(await acme.get('/api/org/acme/faas/functions/on-vm'));
    expect(view.trigger).toEqual({ type: 'event', events: [VM_CREATE] });
    expect(view).not.toHaveProperty('url');
    expect((await acme.get('/api/org/acme/on-vm')).status).toBe(404);
  });

  it("runs acme's subscribed function once with vCD's notification as its event when a VM is created in acme, and nothing else", async () => {
    const notification = await createVm(ACME, acmeToken, 'web-ev1');
    const [run] = await waitForActivations(acme, 'acme', 'on-vm', 1);
    expect(run).toMatchObject({ trigger: 'event', status: 'success' });
    expect(loggedEvent(run.logs[0])).toEqual(notification);
    expect(notification.org).toMatch(/^urn:vcloud:org:/);
    // The same delivery ran every subscriber; globex's and the vm/delete subscriber are not among them.
    expect(await activationsOf(globex, 'globex', 'on-vm')).toHaveLength(0);
    expect(await activationsOf(acme, 'acme', 'on-delete')).toHaveLength(0);
    expect(await waitForActivations(acme, 'acme', 'on-vm', 1)).toHaveLength(1);
  });

  it('runs a function the provider subscribed for globex on a VM created in globex', async () => {
    const created = await provider.post('/api/org/globex/faas/functions', eventFunction('provider-made', [VM_CREATE]));
    expect(created.status).toBe(202);
    expect((await provider.waitBuilt('globex', 'provider-made')).status).toBe('ready');
    const notification = await createVm(GLOBEX, globexToken, 'web-ev2');
    const [run] = await waitForActivations(globex, 'globex', 'provider-made', 1);
    expect(loggedEvent(run.logs[0])).toMatchObject({ eventId: notification.eventId, org: notification.org });
  });

  it('runs a function once when the same notification is delivered twice', async () => {
    const before = (await activationsOf(acme, 'acme', 'on-vm')).length;
    const original = h.mock.state.infra.notifier.sent.find((n) => n.type === VM_CREATE && n.entity.includes(':vm:')) as VcdNotification;
    const acmeOrg = await orgIdOf(acmeToken);
    const body = JSON.stringify({ ...original, org: acmeOrg, eventId: randomUUID() });
    const [first, second] = await Promise.all([deliver(body, sign(body)), deliver(body, sign(body))]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const after = await activationsOf(acme, 'acme', 'on-vm');
    expect(after).toHaveLength(before + 1);
    expect(loggedEvent(after[0].logs[0]).eventId).toBe(JSON.parse(body).eventId);
  });

  it('refuses a forged or unsigned notification with 401 and runs nothing', async () => {
    const before = (await activationsOf(acme, 'acme', 'on-vm')).length;
    const acmeOrg = await orgIdOf(acmeToken);
    const body = JSON.stringify({ eventId: randomUUID(), type: VM_CREATE, timestamp: new Date().toISOString(), operationSuccess: true, org: acmeOrg });
    for (const res of [await deliver(body), await deliver(body, sign(body, 'not-the-secret')), await deliver(body, 'zz')]) {
      expect(res.status).toBe(401);
      expect((await problemOf(res)).detail).toMatch(/signed/);
    }
    expect(await activationsOf(acme, 'acme', 'on-vm')).toHaveLength(before);
  });

  it('answers 400 for a signed body that is not a vCD notification', async () => {
    const body = JSON.stringify({ eventId: 'x', type: 'vm/create', org: 'acme' });
    const problem = await problemOf(await deliver(body, sign(body)));
    expect(problem.status).toBe(400);
    expect(problem.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['type', 'org', 'timestamp']));
  });

  it('answers 400 naming the field for an unknown notification type or no types, and creates nothing', async () => {
    const unknown = await acme.post('/api/org/acme/faas/functions', eventFunction('bad-type', [VM_CREATE, 'com/vmware/vcloud/event/vm/explode']));
    const problem = await problemOf(unknown);
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([{ path: 'trigger.events.1', message: expect.stringMatching(/not a vCD notification type/) }]);
    const none = await problemOf(await acme.post('/api/org/acme/faas/functions', eventFunction('bad-type', [])));
    expect(none.errors?.[0].path).toBe('trigger.events');
    const wrongKind = await problemOf(await acme.post('/api/org/acme/faas/functions', { ...newFunction('bad-type'), trigger: { type: 'cron' } }));
    expect(wrongKind.errors?.[0]).toMatchObject({ path: 'trigger.type', message: expect.stringMatching(/"http", "event" or "schedule"/) });
    expect((await acme.get('/api/org/acme/faas/functions/bad-type')).status).toBe(404);
  });

  it('moves a function from an HTTP route to events and back with PUT', async () => {
    await acme.post('/api/org/acme/faas/functions', newFunction('switcher'));
    await acme.waitBuilt('acme', 'switcher');
    const toEvents = await acme.put('/api/org/acme/faas/functions/switcher', { trigger: { type: 'event', events: [VM_DELETE] } });
    expect(toEvents.status).toBe(202);
    await acme.waitBuilt('acme', 'switcher');
    const view = await jsonOf(await acme.get('/api/org/acme/faas/functions/switcher'));
    expect(view).toMatchObject({ version: 2, trigger: { type: 'event', events: [VM_DELETE] } });
    expect((await acme.get('/api/org/acme/switcher')).status).toBe(404);
    await acme.put('/api/org/acme/faas/functions/switcher', { trigger: { type: 'http', route: 'switcher' } });
    await acme.waitBuilt('acme', 'switcher');
    expect((await acme.get('/api/org/acme/switcher')).status).toBe(200);
  });

  it('keeps delivering to the backend after it restarts, and a notification that already ran stays done', async () => {
    const before = (await activationsOf(acme, 'acme', 'on-vm')).length;
    const delivered = h.mock.state.infra.notifier.sent.filter((n) => n.type === VM_CREATE);
    await h.restart();
    // Redelivery of one that ran before the restart: the claim is in the store, so nothing runs.
    const old = JSON.stringify({ ...delivered[0], org: await orgIdOf(acmeToken) });
    expect((await deliver(old, sign(old))).status).toBe(200);
    await createVm(ACME, acmeToken, 'web-ev3');
    expect(await waitForActivations(acme, 'acme', 'on-vm', before + 1)).toHaveLength(before + 1);
  });

  it('answers every HTTP invoke with X-Activation-Id naming its activation, failed calls too', async () => {
    await acme.post('/api/org/acme/faas/functions', newFunction('traced'));
    await acme.post('/api/org/acme/faas/functions', newFunction('thrower', { code: 'module.exports = async () => { throw new Error("boom"); };' }));
    await acme.waitBuilt('acme', 'traced');
    await acme.waitBuilt('acme', 'thrower');
    const ok = await acme.get('/api/org/acme/traced');
    expect(ok.status).toBe(200);
    const okId = ok.headers.get('x-activation-id') as string;
    expect(await jsonOf(await acme.get(`/api/org/acme/faas/activations/${okId}`))).toMatchObject({ id: okId, function: 'traced', trigger: 'http', status: 'success' });
    const failed = await acme.get('/api/org/acme/thrower');
    expect(failed.status).toBe(502);
    const failedId = failed.headers.get('x-activation-id') as string;
    expect(failedId).not.toBe(okId);
    expect(await jsonOf(await acme.get(`/api/org/acme/faas/activations/${failedId}`))).toMatchObject({ function: 'thrower', status: 'error' });
    // Another org cannot read it.
    expect((await globex.get(`/api/org/globex/faas/activations/${failedId}`)).status).toBe(404);
  });
});

describe('event runs refused by the org quota', () => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  const secret: string = randomUUID();
  const busy = (ms: number) => `module.exports = async (event) => { const until = Date.now() + ${ms}; while (Date.now() < until) {} console.log(event.eventId); return { statusCode: 200 }; };`;

  beforeAll(async () => {
    h = await startHarness('pglite', { backend: { extensionSharedSecret: secret, orgMaxConcurrentCalls: 1 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    for (const [name, ms] of [['slow-a', 500], ['slow-b', 500]] as const) {
      await acme.post('/api/org/acme/faas/functions', eventFunction(name, [VM_CREATE], busy(ms)));
      expect((await acme.waitBuilt('acme', name)).status).toBe('ready');
    }
  });
  afterAll(() => h?.close());

  it('records the refused run and runs it on a redelivery, without running the other function twice', async () => {
    const me = await jsonOf(await fetch(`${h.mock.url}/cloudapi/1.0.0/sessions/current`, { headers: { Accept: 'application/json;version=37.0', Authorization: `Bearer ${await h.login('acme')}` } }));
    const body = JSON.stringify({ eventId: randomUUID(), type: VM_CREATE, timestamp: new Date().toISOString(), operationSuccess: true, org: me.org.id });
    const post = () => fetch(`${h.backend.url}/notifications/vcd`, { method: 'POST', headers: { 'X-Notification-Signature': createHmac('sha256', secret).update(body).digest('hex') }, body });
    const statuses = async () => {
      const of = async (name: string) => (await jsonOf(await acme.get(`/api/org/acme/faas/functions/${name}/activations`))).items.map((a: { status: string }) => a.status);
      return { a: await of('slow-a'), b: await of('slow-b') };
    };
    expect((await post()).status).toBe(200);
    const first = await statuses();
    // Both ran at once against a quota of one call: one ran, the other was refused.
    expect([...first.a, ...first.b].sort()).toEqual(['rejected', 'success']);
    const refused = first.a[0] === 'rejected' ? 'a' : 'b';

    expect((await post()).status).toBe(200);
    const second = await statuses();
    expect(second[refused]).toEqual(['success', 'rejected']);
    expect(second[refused === 'a' ? 'b' : 'a']).toEqual(['success']);
  });
});
