import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TooManyRequests, Timeout, Upstream } from '../../../errors';
import type { HttpEvent, InvokeContext } from '../../ports';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../../../testing/harness';
import { ping, podmanPaths } from './podman-service';
import { ContainerRuntime, type ContainerFunctionVersion } from './runtime';

const dataDir = process.env.PODMAN_DATA_DIR ?? path.resolve(__dirname, '../../../../.data/podman');
let rt: ContainerRuntime;
let n = 0;

const event = (body: unknown = null): HttpEvent => ({ method: 'POST', path: '/', query: {}, headers: {}, body });
const ctx = (): InvokeContext => ({ org: 'acme', functionName: 'f', requestId: `r${++n}` });
const fnOf = (code: string, extra: Partial<ContainerFunctionVersion> = {}): ContainerFunctionVersion => ({
  key: `acme/t${Date.now()}-${++n}@1`,
  name: 'f',
  code,
  memoryMb: 128,
  timeoutMs: 5000,
  ...extra,
});
const hello = `module.exports = async (event, context) => { console.log('hi', event.body); return { statusCode: 200, headers: {}, body: { hello: event.body, org: context.org, pid: process.pid, uid: process.getuid() } }; };`;

beforeAll(async () => {
  rt = new ContainerRuntime({ paths: podmanPaths(dataDir), maxWarm: 2, maxQueue: 1, idleMs: 1500 });
  await rt.ready();
}, 120_000);
afterAll(async () => {
  await rt?.removeImages();
  await rt?.close();
}, 180_000);

describe('container runtime (Podman)', () => {
  it('runs a node handler per call as a non-root user and returns its answer and logs', async () => {
    const fn = fnOf(hello);
    const built = await rt.build(fn);
    expect(built.ok).toBe(true);
    expect(built.log).toContain('COPY');
    const first = await rt.invoke(fn, event('world'), ctx());
    expect(first).toMatchObject({ statusCode: 200, body: { hello: 'world', org: 'acme', uid: 1000 }, cold: true });
    expect(first.logs).toEqual(['info hi world']);
    const second = await rt.invoke(fn, event('again'), ctx());
    expect(second.cold).toBe(false);
    expect(second.body).toMatchObject({ hello: 'again' });
    rt.evict(fn.key);
  });

  it('reports a node syntax error at build time with its line and column', async () => {
    const built = await rt.build(fnOf('module.exports = async () => {\n  return {;\n};'));
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.error).toEqual({ message: expect.stringMatching(/^SyntaxError: /), line: 2, column: 11 });
  });

  it('reports a python syntax error at build time with its line and column, from the image\'s own python', async () => {
    const built = await rt.build(fnOf('import os\n\ndef handle(event, context)\n    return {}\n', { runtime: 'python3' }));
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.error).toEqual({ message: "SyntaxError: expected ':'", line: 3, column: 27 });
  });

  it('prunes the images of superseded versions and of a deleted function, keeping the serving one', async () => {
    const prefix = `acme/prune${++n}@`;
    const v1 = fnOf(hello, { key: `${prefix}1:a` });
    const v2 = fnOf(hello.replace("'hi'", "'hi v2'"), { key: `${prefix}2:b` });
    expect((await rt.build(v1)).ok).toBe(true);
    expect((await rt.build(v2)).ok).toBe(true);
    expect(await rt.functionImages(prefix)).toHaveLength(2);

    rt.prune(prefix, [v2]);
    await rt.idle();
    expect(await rt.functionImages(prefix)).toHaveLength(1);
    expect((await rt.invoke(v2, event('still'), ctx())).body).toMatchObject({ hello: 'still' });
    // A rollback to the pruned version builds its image again on demand.
    const rebuilt = await rt.build(v1);
    expect(rebuilt.ok && rebuilt.log).toContain('COPY');

    rt.evict(prefix);
    await rt.idle();
    rt.prune(prefix, []);
    await rt.idle();
    expect(await rt.functionImages(prefix)).toEqual([]);
  });

  it('reuses a warm container and scales to zero after idle', async () => {
    const fn = fnOf(`let calls = 0; module.exports = async () => ({ statusCode: 200, headers: {}, body: { calls: ++calls } });`, { mode: 'warm' });
    const a = await rt.invoke(fn, event(), ctx());
    const b = await rt.invoke(fn, event(), ctx());
    expect(a).toMatchObject({ cold: true, body: { calls: 1 } });
    expect(b).toMatchObject({ cold: false, body: { calls: 2 } });
    expect(rt.instances(fn.key)).toBe(1);
    await expect.poll(() => rt.instances(fn.key), { timeout: 15_000, interval: 200 }).toBe(0);
    const c = await rt.invoke(fn, event(), ctx());
    expect(c).toMatchObject({ cold: true, body: { calls: 1 } });
    rt.evict(fn.key);
  });

  it('answers 429 when all warm containers are busy and the queue is full', async () => {
    const fn = fnOf(`module.exports = async () => { await new Promise(r => setTimeout(r, 800)); return { statusCode: 200, headers: {}, body: 'ok' }; };`, { mode: 'warm' });
    const calls = Array.from({ length: 5 }, () => rt.invoke(fn, event(), ctx()).then((r) => r.statusCode, (e: unknown) => e));
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => o === 200)).toHaveLength(3);
    expect(outcomes.filter((o) => o instanceof TooManyRequests)).toHaveLength(2);
    rt.evict(fn.key);
  });

  it('runs a python handle(event, context) returning a dict', async () => {
    const fn = fnOf(`import os\n\ndef handle(event, context):\n    print("py", event["body"])\n    return {"statusCode": 201, "headers": {"x-lang": "python"}, "body": {"echo": event["body"], "fn": context["functionName"], "uid": os.getuid()}}\n`, { runtime: 'python3' });
    const r = await rt.invoke(fn, event({ a: 1 }), ctx());
    expect(r).toMatchObject({ statusCode: 201, headers: { 'x-lang': 'python' }, body: { echo: { a: 1 }, fn: 'f', uid: 1000 } });
    expect(r.logs).toEqual(['info py {\'a\': 1}']);
    rt.evict(fn.key);
  });

  it('turns a handler that throws into an upstream error with its logs', async () => {
    const fn = fnOf(`module.exports = async () => { console.log('before'); throw new RangeError('nope'); };`);
    const err = await rt.invoke(fn, event(), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Upstream);
    expect(err).toMatchObject({ cause: 'handler-error', logs: ['info before'] });
    expect((err as Error).message).toMatch(/RangeError: nope/);
    const py = fnOf(`def handle(event, context):\n    raise ValueError("bad")\n`, { runtime: 'python3' });
    const perr = await rt.invoke(py, event(), ctx()).catch((e: unknown) => e);
    expect(perr).toBeInstanceOf(Upstream);
    expect((perr as Error).message).toMatch(/ValueError: bad \(handler.py:2\)/);
    rt.evict(fn.key);
    rt.evict(py.key);
  });

  it('stops a handler past its timeout with a timeout error, and the next call works', async () => {
    const fn = fnOf(`module.exports = async (e) => { if (e.body === 'hang') await new Promise(() => {}); return { statusCode: 200, headers: {}, body: 'fine' }; };`, { timeoutMs: 700, mode: 'warm' });
    await expect(rt.invoke(fn, event('hang'), ctx())).rejects.toBeInstanceOf(Timeout);
    await expect(rt.invoke(fn, event('ok'), ctx())).resolves.toMatchObject({ body: 'fine', cold: true });
    rt.evict(fn.key);
  });

  it('survives a memory bomb and a fork bomb, and keeps serving other functions', async () => {
    const bomb = fnOf(`module.exports = async () => { const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1)); };`, { memoryMb: 64, timeoutMs: 10_000 });
    const err = await rt.invoke(bomb, event(), ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ cause: 'memory-limit' });
    const fork = fnOf(`import os\n\ndef handle(event, context):\n    n = 0\n    try:\n        while n < 10000:\n            if os.fork() == 0:\n                import time; time.sleep(30); os._exit(0)\n            n += 1\n    except OSError as e:\n        return {"statusCode": 200, "headers": {}, "body": {"forks": n, "error": e.strerror}}\n    return {"statusCode": 200, "headers": {}, "body": {"forks": n}}\n`, { runtime: 'python3' });
    const forked = await rt.invoke(fork, event(), ctx());
    expect((forked.body as { forks: number }).forks).toBeLessThan(64);
    expect(forked.body).toMatchObject({ error: expect.stringMatching(/resource|again/i) });
    const ok = fnOf(hello);
    await expect(rt.invoke(ok, event('still'), ctx())).resolves.toMatchObject({ body: { hello: 'still' } });
    rt.evict(bomb.key);
    rt.evict(fork.key);
    rt.evict(ok.key);
  });

  it('leaves neither the containers nor the Podman service of a backend killed -9', async () => {
    // The killed process has a service of its own (its own socket over the same storage), so the test's stays up.
    const socket = path.join(dataDir, `crash-${process.pid}.sock`);
    const key = `acme/crash${Date.now()}@1`;
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', path.resolve(__dirname, '../../../testing/container-crash.ts')], {
      env: { ...process.env, CRASH_DATA_DIR: dataDir, CRASH_SOCKET: socket, CRASH_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const containersOf = () => rt.docker.listContainers({ all: true, filters: { label: [`vcd-serverless.key=${key}`] } });
    try {
      await expect.poll(() => out, { timeout: 90_000, interval: 200 }).toMatch(/ready|Error/);
      expect(out).toContain('ready');
      expect(await containersOf()).toHaveLength(1);
      expect(await ping(socket)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    await expect.poll(async () => (await containersOf()).length, { timeout: 30_000, interval: 250 }).toBe(0);
    await expect.poll(() => ping(socket), { timeout: 30_000, interval: 250 }).toBe(false);
    await rt.functionImages(key.slice(0, key.indexOf('@') + 1)).then((tags) => Promise.all(tags.map((t) => rt.docker.getImage(t).remove().catch(() => undefined))));
  }, 150_000);

  it('fails a call whose container dies mid-call, and the next call works', async () => {
    const fn = fnOf(`module.exports = async (e) => { if (e.body === 'die') process.exit(3); return { statusCode: 200, headers: {}, body: 'alive' }; };`, { mode: 'warm' });
    const err = await rt.invoke(fn, event('die'), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Upstream);
    expect(err).toMatchObject({ cause: expect.stringMatching(/interrupted|memory-limit/) });
    await expect(rt.invoke(fn, event('live'), ctx())).resolves.toMatchObject({ body: 'alive' });
    rt.evict(fn.key);
  });
});

const PY = `def handle(event, context):
    print("called by", context["org"])
    return {"statusCode": 200, "headers": {"x-lang": "python"}, "body": {"who": event["query"].get("who", "world"), "org": context["org"], "secret": context["env"].get("TOKEN")}}
`;

describe.each(STORES)('container functions over HTTP on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  const FNS = '/api/org/acme/faas/functions';

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { containerDataDir: dataDir, containerIdleMs: 5000 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
  }, 120_000);
  afterAll(() => h?.close(), 60_000);

  it('creates a python function that runs in a container by default and invokes it through its route', async () => {
    const created = await acme.post(FNS, { name: 'pyhello', runtime: 'python3', code: PY, trigger: { type: 'http', route: 'pyhello' }, secrets: { TOKEN: 's3' } });
    expect(created.status).toBe(202);
    expect(await created.json()).toMatchObject({ runtime: 'python3', sandbox: 'container', mode: 'per-call' });
    expect(await acme.waitBuilt('acme', 'pyhello')).toMatchObject({ status: 'ready' });
    const res = await acme.get('/api/org/acme/pyhello?who=tester');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lang')).toBe('python');
    expect(await res.json()).toEqual({ who: 'tester', org: 'acme', secret: 's3' });
    const again = await acme.get('/api/org/acme/pyhello');
    expect(await again.json()).toMatchObject({ who: 'world' });
  });

  it('runs a node function in a warm container when asked to', async () => {
    const code = `let n = 0; module.exports = async () => ({ statusCode: 200, headers: {}, body: { n: ++n } });`;
    const created = await acme.post(FNS, { name: 'nodewarm', runtime: 'nodejs20', sandbox: 'container', mode: 'warm', code, trigger: { type: 'http', route: 'nodewarm' } });
    expect(await created.json()).toMatchObject({ sandbox: 'container', mode: 'warm' });
    expect(await acme.waitBuilt('acme', 'nodewarm')).toMatchObject({ status: 'ready' });
    expect(await jsonOf(await acme.get('/api/org/acme/nodewarm'))).toEqual({ n: 1 });
    expect(await jsonOf(await acme.get('/api/org/acme/nodewarm'))).toEqual({ n: 2 });
  });

  it('answers 400 naming the field for python3 in an isolate and for a mode on an isolate function', async () => {
    const py = await acme.post(FNS, { name: 'pyiso', runtime: 'python3', sandbox: 'isolate', code: PY, trigger: { type: 'http', route: 'pyiso' } });
    expect(py.status).toBe(400);
    expect((await problemOf(py)).errors).toEqual([expect.objectContaining({ path: 'sandbox' })]);
    const mode = await acme.post(FNS, { name: 'nodeiso', runtime: 'nodejs20', mode: 'warm', code: 'module.exports = async () => ({})', trigger: { type: 'http', route: 'nodeiso' } });
    expect(mode.status).toBe(400);
    expect((await problemOf(mode)).errors).toEqual([expect.objectContaining({ path: 'mode' })]);
    const bad = await acme.post(FNS, { name: 'badbox', runtime: 'nodejs20', sandbox: 'vm', code: 'x', trigger: { type: 'http', route: 'badbox' } });
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).errors?.map((e) => e.path)).toContain('sandbox');
  });

  it('reports a python syntax error as a failed build and never lets another org call the function', async () => {
    await acme.post(FNS, { name: 'pybad', runtime: 'python3', code: 'def handle(event, context)\n    return {}\n', trigger: { type: 'http', route: 'pybad' } });
    const built = await acme.waitBuilt('acme', 'pybad');
    expect(built).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/SyntaxError/), line: 1, column: 27 } });
    expect((await globex.get('/api/org/acme/pyhello')).status).toBe(403);
    expect((await globex.get('/api/org/globex/pyhello')).status).toBe(404);
  });
});

describe('container functions with CONTAINER_ENGINE=off', () => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  const FNS = '/api/org/acme/faas/functions';

  beforeAll(async () => {
    h = await startHarness('pglite', { backend: { containerEngine: 'off' } });
    acme = api(() => h.backend.url, await h.login('acme'));
  }, 180_000);
  afterAll(() => h?.close());

  it('fails the build of a python function naming the reason, answers 503 for it, and isolate functions keep working', async () => {
    await acme.post(FNS, { name: 'pyoff', runtime: 'python3', code: PY, trigger: { type: 'http', route: 'pyoff' } });
    expect(await acme.waitBuilt('acme', 'pyoff')).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/CONTAINER_ENGINE=off/) } });
    const call = await acme.get('/api/org/acme/pyoff');
    expect(call.status).toBe(503);
    await problemOf(call);
    await acme.post(FNS, { name: 'nodeon', runtime: 'nodejs20', code: `module.exports = async () => ({ statusCode: 200, headers: {}, body: { where: 'isolate' } })`, trigger: { type: 'http', route: 'nodeon' } });
    expect(await acme.waitBuilt('acme', 'nodeon')).toMatchObject({ status: 'ready' });
    expect(await jsonOf(await acme.get('/api/org/acme/nodeon'))).toEqual({ where: 'isolate' });
  });

  it('keeps a python function in its container across a PUT of its code and moves it to an isolate when the runtime becomes nodejs20', async () => {
    await acme.post(FNS, { name: 'pyput', runtime: 'python3', mode: 'warm', code: PY, trigger: { type: 'http', route: 'pyput' } });
    const kept = await jsonOf(await acme.put(`${FNS}/pyput`, { code: PY + '\n' }));
    expect(kept).toMatchObject({ runtime: 'python3', sandbox: 'container', mode: 'warm' });
    await acme.waitBuilt('acme', 'pyput');
    await acme.put(`${FNS}/pyput`, { runtime: 'nodejs20', code: `module.exports = async () => ({ statusCode: 200, headers: {}, body: 'moved' })` });
    expect(await acme.waitBuilt('acme', 'pyput')).toMatchObject({ status: 'ready' });
    const view = await jsonOf(await acme.get(`${FNS}/pyput`));
    expect(view).toMatchObject({ runtime: 'nodejs20', sandbox: 'isolate' });
    expect(view).not.toHaveProperty('mode');
  });
});
