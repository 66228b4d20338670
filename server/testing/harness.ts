import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { startMockVcd, type RunningMockVcd, type StartMockVcdOptions } from '../../mock-vcd/main';
import type { Config } from '../config';
import { startServer, type RunningServer } from '../main';
import { trustVcdForFetch } from '../transport/mqtt/tls';
import { registerMqttService } from './mqtt-service';
import type { Db } from '../store/db';
import { openPgDb } from '../store/drivers/pg';
import { openPgliteDb } from '../store/drivers/pglite';

/** Test support: the real backend on port 0 against the real mock vCD, on either store. */

export type StoreKind = 'pglite' | 'postgres';
export const STORES: StoreKind[] = ['pglite', 'postgres'];

const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface StoreHandle {
  overrides: Partial<Config>;
  drop(): Promise<void>;
}

/** A fresh store: a temp PGlite data dir, or a new PostgreSQL database dropped afterwards. */
export async function freshStore(kind: StoreKind): Promise<StoreHandle> {
  if (kind === 'pglite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vsl-backend-'));
    return { overrides: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `vsl_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  // The backend still keeps files beside PostgreSQL (secrets.key): a temp dir, never the repo's .data/.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vsl-backend-'));
  return {
    overrides: { databaseUrl: url.toString(), dataDir },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Opens the same store the backend uses, for a test to arrange what a crash would leave behind. */
export function openTestDb(store: StoreHandle): Promise<Db> {
  const { databaseUrl, dataDir } = store.overrides;
  return databaseUrl ? openPgDb({ databaseUrl }) : openPgliteDb({ dataDir: dataDir as string });
}

export type Who = 'acme' | 'globex' | 'provider';
const LOGINS: Record<Who, [string, string, string]> = {
  acme: ['admin@acme', 'acme-demo', '/cloudapi/1.0.0/sessions'],
  globex: ['admin@globex', 'globex-demo', '/cloudapi/1.0.0/sessions'],
  provider: ['administrator@System', 'provider-demo', '/cloudapi/1.0.0/sessions/provider'],
};

export interface Harness {
  mock: RunningMockVcd;
  backend: RunningServer;
  store: StoreHandle;
  /** Logs in at the mock vCD as a client would; returns the bearer token. */
  login(who: Who): Promise<string>;
  /** Starts the backend again on the same store (a restart). */
  restart(overrides?: Partial<Config>): Promise<RunningServer>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  mock?: StartMockVcdOptions;
  backend?: Partial<Config>;
  logStream?: DestinationStream;
  /**
   * How the mock vCD reaches the backend: HTTP forwarding (default; AMQP when options.backend has amqpUrl), or its
   * MQTT bus (an external service registered with a token; with mqttEvents, notifications over the bus too).
   */
  transport?: 'http' | 'amqp' | 'mqtt';
  mqttEvents?: boolean;
  /** The time schedules are due against, instead of the wall clock (schedule tests drive it). */
  clock?: () => Date;
}

export async function startHarness(kind: StoreKind, options: HarnessOptions = {}): Promise<Harness> {
  // One extension secret for both, as npm start does: it signs forwarded contexts and notification webhooks.
  const secret = options.backend?.extensionSharedSecret ?? options.mock?.sharedSecret ?? randomBytes(32).toString('hex');
  const mock = await startMockVcd({ portalDir: '/nonexistent-portal', sharedSecret: secret, ...options.mock });
  const store = await freshStore(kind);
  const transport = options.transport ?? (options.backend?.amqpUrl ? 'amqp' : 'http');
  const bus: Partial<Config> = { vcdTransport: transport };
  // A mock over HTTPS: the test process and the backend trust its self-signed certificate (VCD_CA_FILE).
  if (mock.caFile) {
    trustVcdForFetch(mock.url, { ca: readFileSync(mock.caFile, 'utf8') });
    bus.vcdCaFile = mock.caFile;
  }
  if (transport === 'mqtt') {
    bus.mqttToken = (await registerMqttService(mock.url)).token;
    bus.mqttUrl = mock.mqttUrl;
    if (options.mqttEvents) Object.assign(bus, { vcdEventsUser: 'administrator@System', vcdEventsPassword: 'provider-demo' });
  }
  const targets = mock.state.infra.notifier.targets;
  let webhook: string | undefined;
  const start = async (extra: Partial<Config> = {}) => {
    const backend = await startServer(
      { port: 0, vcdUrl: mock.url, logLevel: 'silent', extensionSharedSecret: secret, ...bus, ...store.overrides, ...options.backend, ...extra },
      { logStream: options.logStream, clock: options.clock },
    );
    // The mock's vCD notifications go to this backend's webhook; a restart moves it to the new port, unless the
    // test took it out (e.g. to receive notifications over AMQP only). Other targets a test set stay.
    const at = options.mqttEvents ? -1 : webhook === undefined ? targets.length : targets.indexOf(webhook);
    webhook = `${backend.url}/notifications/vcd`;
    if (at >= 0) targets.splice(at, 1, webhook);
    return backend;
  };
  const harness: Harness = {
    mock,
    store,
    backend: await start(),
    async login(who) {
      const [user, password, loginPath] = LOGINS[who];
      const res = await fetch(mock.url + loginPath, {
        method: 'POST',
        headers: {
          Accept: 'application/json;version=37.0',
          Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
        },
      });
      if (res.status !== 200) throw new Error(`login ${user} answered ${res.status}`);
      return res.headers.get('x-vmware-vcloud-access-token') as string;
    },
    async restart(overrides) {
      await harness.backend.close();
      harness.backend = await start(overrides);
      return harness.backend;
    },
    async close() {
      await harness.backend.close();
      await mock.close();
      await store.drop();
    },
  };
  return harness;
}

export const HELLO = `module.exports = async (event, context) => ({
  statusCode: 200,
  headers: { 'x-greeting': 'hi' },
  body: { hello: event.query.who || 'world', method: event.method, org: context.org },
});`;

export function newFunction(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, runtime: 'nodejs20', code: HELLO, trigger: { type: 'http', route: name }, ...extra };
}

/** A small client for the backend's API as the plugin would call it. */
export function api(baseUrl: () => string, token: string) {
  const headers = (extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, Accept: 'application/json', ...extra });
  return {
    get: (p: string, extra?: Record<string, string>) => fetch(baseUrl() + p, { headers: headers(extra) }),
    delete: (p: string) => fetch(baseUrl() + p, { method: 'DELETE', headers: headers() }),
    post: (p: string, body: unknown, extra?: Record<string, string>) =>
      fetch(baseUrl() + p, {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json', ...extra }),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    put: (p: string, body: unknown) =>
      fetch(baseUrl() + p, {
        method: 'PUT',
        headers: headers({ 'Content-Type': 'application/json' }),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    /** Polls a function until it leaves initializing; returns its final view. */
    async waitBuilt(org: string, name: string): Promise<{ status: string; error?: { message: string; line?: number; column?: number } }> {
      for (;;) {
        const res = await fetch(`${baseUrl()}/api/org/${org}/faas/functions/${name}`, { headers: headers() });
        if (res.status !== 200) throw new Error(`GET ${name} answered ${res.status}: ${await res.text()}`);
        const fn = (await res.json()) as { status: string };
        if (fn.status !== 'initializing') return fn;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

export async function problemOf(res: Response): Promise<{ type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] }> {
  if (!res.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${res.status} ${res.headers.get('content-type')}: ${await res.text()}`);
  }
  return jsonOf(res);
}

/** A response's JSON, typed loosely for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const jsonOf = (res: Response): Promise<any> => res.json();
