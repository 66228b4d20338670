import { createSocket } from 'node:dgram';
import { afterEach } from 'vitest';
import AdmZip from 'adm-zip';
import { type RunningMockVcd, type StartMockVcdOptions, startMockVcd } from '../main';

/** Helpers for the mock's own tests: a started mock and logins as a client would do them. */

export const ACCEPT = 'application/json;version=37.0';

export const basic = (login: string, password: string) => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

export async function withMock(options: StartMockVcdOptions = {}): Promise<RunningMockVcd> {
  return startMockVcd({ portalDir: '/nonexistent-portal', ...options });
}

export async function login(mock: RunningMockVcd, who: 'acme' | 'globex' | 'provider'): Promise<string> {
  const [user, password, path] =
    who === 'acme'
      ? ['admin@acme', 'acme-demo', '/cloudapi/1.0.0/sessions']
      : who === 'globex'
        ? ['admin@globex', 'globex-demo', '/cloudapi/1.0.0/sessions']
        : ['administrator@System', 'provider-demo', '/cloudapi/1.0.0/sessions/provider'];
  const res = await fetch(mock.url + path, { method: 'POST', headers: { Accept: ACCEPT, Authorization: basic(user, password) } });
  if (res.status !== 200) throw new Error(`login ${user} answered ${res.status}: ${await res.text()}`);
  return res.headers.get('x-vmware-vcloud-access-token')!;
}

export const bearer = (token: string, extra: Record<string, string> = {}) => ({ Accept: ACCEPT, Authorization: `Bearer ${token}`, ...extra });

/** A minimal valid plugin zip (manifest.json + bundle.js + i18n.json), with overrides to break it. */
export function pluginZip(options: { manifest?: Record<string, unknown> | string; bundle?: string | null } = {}): Buffer {
  const zip = new AdmZip();
  const manifest = options.manifest ?? {
    urn: 'vmware:vcloud:plugin:test',
    name: 'Test Plugin',
    containerVersion: '9.5.0',
    version: '1.2.3',
    scope: ['tenant', 'service-provider'],
    permissions: [],
    description: 'a test plugin',
    vendor: 'Tests',
    license: 'Apache-2.0',
    link: 'https://example.invalid',
    module: 'PluginModule',
    route: 'test',
  };
  zip.addFile('manifest.json', Buffer.from(typeof manifest === 'string' ? manifest : JSON.stringify(manifest)));
  if (options.bundle !== null) zip.addFile('bundle.js', Buffer.from(options.bundle ?? 'define("PluginModule", [], function () { return {}; });'));
  zip.addFile('i18n.json', Buffer.from(JSON.stringify({ en: { hello: 'Hello' } })));
  return zip.toBuffer();
}

/** Starts mocks for a test file and closes each after its test. */
export function mockPerTest() {
  const running: RunningMockVcd[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((m) => m.close()));
  });
  return async (options: StartMockVcdOptions = {}) => {
    const mock = await withMock(options);
    running.push(mock);
    return mock;
  };
}

/** A response's JSON body, untyped for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const jsonOf = (res: Response): Promise<any> => res.json();

/** A UDP port that was free a moment ago on 127.0.0.1 (for SNMP trap receivers). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}
