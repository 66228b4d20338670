import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, startHarness, STORES, type Harness } from '../testing/harness';

/**
 * Issue 13, item 6: a container function where the container runtime cannot run ends failed with the reason in its
 * build log (it used to stay initializing for good, the reason only in the server log), and GET .../faas/runtimes
 * says up front which sandboxes run here and why not.
 */

const PYTHON = 'def handle(event, context):\n    return {"statusCode": 200, "body": "hi"}\n';
const python = (name: string) => ({ name, runtime: 'python3', code: PYTHON, trigger: { type: 'http', route: name } });

describe.each(STORES)('sandboxes that cannot run, on %s', (kind) => {
  describe('Podman not installed (a fresh machine)', () => {
    let h: Harness;
    let dataDir: string;
    const path0 = process.env.PATH;

    beforeAll(async () => {
      // This test process only (vitest forks one per file): no podman on PATH, and no socket already answering.
      process.env.PATH = '/nonexistent';
      dataDir = mkdtempSync(path.join(tmpdir(), 'vsl-nopodman-'));
      h = await startHarness(kind, { backend: { containerEngine: 'podman', containerDataDir: dataDir } });
    }, 180_000);
    afterAll(async () => {
      await h?.close();
      process.env.PATH = path0;
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('says so in GET .../faas/runtimes, with what to install', async () => {
      const acme = api(() => h.backend.url, await h.login('acme'));
      const info = await jsonOf(await acme.get('/api/org/acme/faas/runtimes'));
      expect(info.runtimes).toEqual([
        { runtime: 'nodejs20', sandboxes: ['isolate', 'container'] },
        { runtime: 'python3', sandboxes: ['container'] },
      ]);
      expect(info.sandboxes[0]).toEqual({ sandbox: 'isolate', available: true });
      expect(info.sandboxes[1]).toMatchObject({ sandbox: 'container', available: false, reason: expect.stringMatching(/podman is not installed.*Install Podman.*CONTAINER_SOCKET/) });
    });

    it('ends a container function failed with the reason in its build log, and its calls answer 503 saying why', async () => {
      const acme = api(() => h.backend.url, await h.login('acme'));
      expect((await acme.post('/api/org/acme/faas/functions', python('py-nopodman'))).status).toBe(202);
      const built = await acme.waitBuilt('acme', 'py-nopodman');
      expect(built.status).toBe('failed');
      const view = await jsonOf(await acme.get('/api/org/acme/faas/functions/py-nopodman'));
      expect(view.buildLog).toMatch(/container runtime is not available.*Install Podman/);
      expect(view.error.message).toMatch(/container runtime is not available/);
      const call = await acme.get('/api/org/acme/py-nopodman');
      expect(call.status).toBe(503);
      expect((await jsonOf(call)).detail).toMatch(/failed to build: the container runtime is not available/);
    });
  });

  describe('container functions turned off (CONTAINER_ENGINE=off)', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(kind, { backend: { containerEngine: 'off' } });
    }, 180_000);
    afterAll(() => h?.close());

    it('says the container sandbox is off and why', async () => {
      const acme = api(() => h.backend.url, await h.login('acme'));
      const info = await jsonOf(await acme.get('/api/org/acme/faas/runtimes'));
      expect(info.sandboxes).toEqual([
        { sandbox: 'isolate', available: true },
        { sandbox: 'container', available: false, reason: expect.stringContaining('CONTAINER_ENGINE=off') },
      ]);
      expect((await acme.post('/api/org/acme/faas/functions', python('py-off'))).status).toBe(202);
      expect(await acme.waitBuilt('acme', 'py-off')).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('turned off') } });
    });
  });
});
