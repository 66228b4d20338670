import type { VcdInfra } from '../vcd/infra';

/**
 * Runs a vCD operation, waiting out "busy completing an operation" (BUSY_ENTITY) until `alreadyDone` or it succeeds;
 * any other error, or still busy after `busyWaitMs`, is thrown.
 */
export async function whenNotBusy(operation: () => Promise<void>, alreadyDone: () => Promise<boolean>, busyWaitMs: number): Promise<void> {
  const deadline = Date.now() + busyWaitMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await operation();
    } catch (err) {
      if (!/busy|BUSY_ENTITY/.test((err as Error).message) || Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, delay));
    if (await alreadyDone()) return;
  }
}

/** The VM's IP address once vCD reports one (a powered-on VM gets it from its network pool); throws after `ipWaitMs`. */
export async function waitForIp(vcd: Pick<VcdInfra, 'vApp'>, token: string, vAppId: string, vmId: string, ipWaitMs: number): Promise<string> {
  const deadline = Date.now() + ipWaitMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 1000)) {
    const vm = (await vcd.vApp(token, vAppId))?.vms.find((v) => v.id === vmId);
    if (vm?.ipAddress) return vm.ipAddress;
    if (Date.now() > deadline) throw new Error('the new VM got no IP address in time');
    await new Promise((r) => setTimeout(r, delay));
  }
}
