import { vcdCommon } from '../../mock-vcd/portal/src/app/host/vcd-common';

/**
 * What the vCD portal puts in its SystemJS registry before a plugin's bundle runs: `@vcd/sdk/common` reads its
 * injection tokens from here at load time, so src/test.ts imports this file before anything else. The token map
 * is the mock portal's own (one definition of what vCD registers as `@vcd/common`), so the specs and the
 * portal e2e mount the plugin on the same tokens.
 */
const registry = new Map<string, unknown>([['@vcd/common', vcdCommon]]);
(window as unknown as { System: unknown }).System = { registry: { get: (name: string) => registry.get(name) } };
