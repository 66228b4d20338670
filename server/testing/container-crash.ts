/**
 * A backend's container runtime as its own process, for the test that kills it with SIGKILL: it starts a Podman
 * service on its own socket (CRASH_SOCKET, storage in CRASH_DATA_DIR), calls a per-call function once (which leaves
 * the spare container for the next call), prints "ready" once that spare runs, then waits to be killed.
 */
import { podmanPaths } from '../functions/drivers/container/podman-service';
import { ContainerRuntime } from '../functions/drivers/container/runtime';

const key = process.env.CRASH_KEY!;
const rt = new ContainerRuntime({
  paths: podmanPaths(process.env.CRASH_DATA_DIR!, process.env.CRASH_SOCKET),
  maxWarm: 1,
  maxQueue: 1,
  idleMs: 600_000,
});
const fn = { key, name: 'crash', code: `module.exports = async () => ({ statusCode: 200, headers: {}, body: 'up' });`, memoryMb: 64, timeoutMs: 5000 };

(async () => {
  await rt.invoke(fn, { method: 'GET', path: '/', query: {}, headers: {}, body: null }, { org: 'acme', functionName: 'crash', requestId: 'crash' });
  await rt.idle(); // the call's own container is removed: what is left of this key is the spare
  for (;;) {
    const left = await rt.docker.listContainers({ all: true, filters: { label: [`vcd-serverless.key=${key}`] } });
    if (left.length === 1 && left[0].State === 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log('ready');
  setInterval(() => undefined, 60_000);
})().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
