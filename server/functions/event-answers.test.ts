import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, startHarness, type Harness } from '../testing/harness';

/** Issue 19: an event function's answer goes to no browser, but the response policy judges and records it the same. */

const VM_CREATE = 'com/vmware/vcloud/event/vm/create';
const SECRET = randomUUID();

describe('answers of event functions', () => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let acmeOrg: string;

  const notify = async () => {
    const body = JSON.stringify({ eventId: randomUUID(), type: VM_CREATE, timestamp: new Date().toISOString(), operationSuccess: true, org: acmeOrg });
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    const res = await fetch(`${h.backend.url}/notifications/vcd`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Notification-Signature': signature }, body });
    expect(res.status).toBe(200);
  };
  const latest = async (name: string) => (await jsonOf(await acme.get(`/api/org/acme/faas/functions/${name}/activations`))).items[0];

  beforeAll(async () => {
    h = await startHarness('pglite', { mock: { sharedSecret: SECRET }, backend: { extensionSharedSecret: SECRET } });
    const token = await h.login('acme');
    acme = api(() => h.backend.url, token);
    const session = await fetch(`${h.mock.url}/cloudapi/1.0.0/sessions/current`, { headers: { Accept: 'application/json;version=37.0', Authorization: `Bearer ${token}` } });
    acmeOrg = (await jsonOf(session)).org.id;
    const answers = {
      'on-vm-cookie': `{ statusCode: 200, headers: { 'set-cookie': 'vcloud_session_id=x', 'x-vcloud-authorization': 'x', 'x-seen': 'yes' }, body: 'ok' }`,
      'on-vm-crlf': `{ statusCode: 200, headers: { 'x-note': 'a\\r\\nb' }, body: 'ok' }`,
    };
    for (const [name, answer] of Object.entries(answers)) {
      const code = `module.exports = async (event) => { console.log('got ' + event.type); return ${answer}; };`;
      expect((await acme.post('/api/org/acme/faas/functions', { name, runtime: 'nodejs20', code, trigger: { type: 'event', events: [VM_CREATE] } })).status).toBe(202);
      expect((await acme.waitBuilt('acme', name)).status).toBe('ready');
    }
    await notify();
  }, 180_000);
  afterAll(() => h?.close());

  it('names the headers it dropped in the activation of an event call', async () => {
    expect(await latest('on-vm-cookie')).toMatchObject({ trigger: 'event', status: 'success', statusCode: 200, droppedHeaders: ['set-cookie', 'x-vcloud-authorization'] });
  });

  it('records a malformed answer of an event call as an error with its logs', async () => {
    expect(await latest('on-vm-crlf')).toMatchObject({ trigger: 'event', status: 'error', statusCode: 502, droppedHeaders: [], logs: [`info got ${VM_CREATE}`] });
  });
});
