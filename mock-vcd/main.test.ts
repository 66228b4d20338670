import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCEPT, basic, bearer, jsonOf } from './testing/mock';

const children: ChildProcess[] = [];
const closers: (() => void)[] = [];
afterEach(() => {
  children.splice(0).forEach((c) => c.kill('SIGTERM'));
  closers.splice(0).forEach((close) => close());
});

/** Runs `node --import tsx mock-vcd/main.ts` with the given env and resolves the URL it prints. */
function runMain(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'main.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.once('exit', (code) => reject(new Error(`mock-vcd exited with ${code}: ${err}`)));
  });
}

describe('mock-vcd/main.ts run directly', () => {
  it('listens where MOCK_VCD_HOST/PORT say and forwards to MOCK_VCD_HTTP_EXTENSIONS with EXTENSION_SHARED_SECRET', async () => {
    const backend = express();
    backend.all(/.*/, (req, res) => {
      res.json({ context: req.headers['x-vcloud-security-context'], signature: req.headers['x-vcloud-context-signature'] });
    });
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = backend.listen(0, '127.0.0.1', () => resolve(s));
    });
    closers.push(() => server.close());
    const backendUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const url = await runMain({
      MOCK_VCD_HOST: '127.0.0.1',
      MOCK_VCD_PORT: '0',
      MOCK_VCD_HTTP_EXTENSIONS: `other=http://127.0.0.1:9, serverless=${backendUrl}`,
      EXTENSION_SHARED_SECRET: 'from-env',
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const provider = await fetch(`${url}/cloudapi/1.0.0/sessions/provider`, {
      method: 'POST',
      headers: { Accept: ACCEPT, Authorization: basic('administrator@System', 'provider-demo') },
    });
    const token = provider.headers.get('x-vmware-vcloud-access-token')!;
    const registered = await fetch(`${url}/api/admin/extension/service`, {
      method: 'POST',
      headers: { Accept: 'application/*+xml;version=37.0', Authorization: `Bearer ${token}`, 'Content-Type': 'application/vnd.vmware.admin.service+xml' },
      body:
        '<vmext:Service xmlns:vmext="http://www.vmware.com/vcloud/extension/v1.5" name="serverless"><vmext:Namespace>serverless</vmext:Namespace>' +
        '<vmext:Enabled>true</vmext:Enabled><vmext:ApiFilters><vmext:ApiFilter><vmext:UrlPattern>/api/org/[^/]+/faas(/.*)?</vmext:UrlPattern></vmext:ApiFilter></vmext:ApiFilters></vmext:Service>',
    });
    expect(registered.status).toBe(201);

    const forwarded = await jsonOf(await fetch(`${url}/api/org/System/faas/functions`, { headers: bearer(token) }));
    expect(forwarded.signature).toBe(createHmac('sha256', 'from-env').update(forwarded.context).digest('hex'));
  });
});
