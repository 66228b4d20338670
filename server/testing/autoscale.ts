import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';

export type DemoIds = (typeof DEMO_INFRA_IDS)[keyof typeof DEMO_INFRA_IDS];

/**
 * A rule body over a demo org's vApp, template, edge gateway and pool (the mock vCD's inventory), with the thresholds
 * most tests use; `extra` sets or overrides any field.
 */
export function ruleFor(ids: DemoIds, extra: Record<string, unknown> = {}) {
  return {
    name: 'web',
    vAppId: `urn:vcloud:vapp:${ids.vapp}`,
    templateId: `urn:vcloud:vapptemplate:${ids.template}`,
    edgeGatewayId: `urn:vcloud:gateway:${ids.edge}`,
    lbPoolName: 'web-pool',
    scaleOut: { cpuPercent: 70, memoryPercent: 80 },
    scaleIn: { cpuPercent: 20, memoryPercent: 30 },
    ...extra,
  };
}
