import type { OrgLimits } from '../../contract/limits';
import { LimitsService } from '../provider/limits';
import { createVcdOrgDirectory } from '../vcd/orgs';
import { LimitsStore } from '../provider/limits-store';
import type { LimitsChange } from '../provider/ports';
import type { ComposeContext } from './part';

/**
 * The provider's per-org limits (issue 18), built before the features that enforce them: functions (memory,
 * timeout, count, container, egress, concurrency, rate) and autoscale (maxVms) get a port each, wired in main.ts.
 * Until the provider sets a default, the configured maxima and quotas are the default.
 */
export function composeLimits({ config, db }: ComposeContext, options: { onChange?: (change: LimitsChange) => Promise<void> } = {}) {
  const fallback: OrgLimits = {
    memoryMb: config.functionMaxMemoryMb,
    timeoutMs: config.functionMaxTimeoutMs,
    concurrentCalls: config.orgMaxConcurrentCalls,
    callsPerSecond: 0,
    functionCallsPerSecond: 0,
    functions: config.orgMaxFunctions,
    containerRuntime: true,
    egress: true,
    autoscaleMaxVms: 100,
  };
  const service = new LimitsService({
    store: new LimitsStore(db),
    fallback,
    cacheTtlMs: config.limitsCacheTtlMs,
    orgs: createVcdOrgDirectory({ vcdUrl: config.vcdUrl }),
    onChange: options.onChange,
  });
  return {
    service,
    /** The functions feature's port. */
    orgLimits: (org: string) => service.effective(org),
    /** The autoscale feature's port. */
    maxVmsOf: async (org: string) => (await service.effective(org)).autoscaleMaxVms,
  };
}
export type LimitsPart = ReturnType<typeof composeLimits>;
