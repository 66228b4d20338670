import type { CatalogEdgeGateway, CatalogPool, CatalogTemplate, CatalogVApp, RuleSummary } from '../../contract/autoscale';
import { TEST_API_ROOT, TEST_ORG } from './plugin-testing';

/** API bodies as the backend answers them (contract/autoscale.ts), for the specs. */
export const AUTOSCALE_URL = `${TEST_API_ROOT}/api/org/${TEST_ORG}/autoscale`;
export const VAPP_ID = 'urn:vcloud:vapp:b1a0c001-0000-4000-8000-00000000a004';
export const TEMPLATE_ID = 'urn:vcloud:vapptemplate:b1a0c001-0000-4000-8000-00000000a002';
export const EDGE_ID = 'urn:vcloud:gateway:b1a0c001-0000-4000-8000-00000000a007';

export const wireVApps = (): { items: CatalogVApp[] } => ({
  items: [{ id: VAPP_ID, name: 'web', status: 'POWERED_ON', vmCount: 2, vdcName: 'acme-vdc' }],
});
export const wireTemplates = (): { items: CatalogTemplate[] } => ({
  items: [
    { id: TEMPLATE_ID, name: 'web-template', vmCount: 1, catalogName: 'templates' },
    { id: 'urn:vcloud:vapptemplate:b1a0c001-0000-4000-8000-0000000000ff', name: 'three-tier', vmCount: 3, catalogName: 'templates' },
  ],
});
export const wireEdges = (): { items: CatalogEdgeGateway[] } => ({ items: [{ id: EDGE_ID, name: 'acme-edge', vdcName: 'acme-vdc' }] });
export const wirePools = (): { items: CatalogPool[] } => ({
  items: [{ id: 'urn:vcloud:loadBalancerPool:b1a0c001-0000-4000-8000-00000000a008', name: 'web-pool', memberCount: 2, enabled: true }],
});

export function wireRule(overrides: Partial<RuleSummary> = {}): RuleSummary {
  return {
    id: 'r-1',
    name: 'web',
    vAppId: VAPP_ID,
    templateId: TEMPLATE_ID,
    edgeGatewayId: EDGE_ID,
    lbPoolName: 'web-pool',
    scaleOut: { cpuPercent: 70, memoryPercent: 80 },
    scaleIn: { cpuPercent: 20, memoryPercent: 30 },
    minVms: 1,
    maxVms: 5,
    step: 1,
    cooldownSeconds: 120,
    stabilizationSeconds: 300,
    evaluationSeconds: 60,
    enabled: true,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    lastDecision: null,
    ...overrides,
  };
}

/**
 * The rule wizard's vROps group picker asks for the org's groups once it renders (inside the rules page and the rule
 * detail too): answered "no vROps configured", as a provider without vROps has it, before a spec verifies its requests.
 */
export function flushVropsGroups(http: { match(url: string): { flush(body: unknown): void }[] }): void {
  http.match(`${AUTOSCALE_URL}/catalog/vrops-groups`).forEach((r) => r.flush({ items: [], configured: false }));
}

type HttpFlush = { expectOne(url: string): { flush(body: unknown): void } };

/** The pools of the test edge gateway, asked for once the wizard's edge is picked. */
export const POOLS_URL = `${AUTOSCALE_URL}/catalog/edge-gateways/${encodeURIComponent(EDGE_ID)}/pools`;

/** Answers the three pickers the rule wizard reads when it opens (vApps, templates, edge gateways). */
export function answerWizardPickers(http: HttpFlush): void {
  http.expectOne(`${AUTOSCALE_URL}/catalog/vapps`).flush(wireVApps());
  http.expectOne(`${AUTOSCALE_URL}/catalog/templates`).flush(wireTemplates());
  http.expectOne(`${AUTOSCALE_URL}/catalog/edge-gateways`).flush(wireEdges());
}

/** The wizard's protected members a spec drives, as its template uses them. */
export interface WizardInternals {
  form: { patchValue(value: unknown): void };
  edgeChanged(): void;
  finish(): void;
}

/** Opens a new-rule wizard on a valid target, template and balancer (the pages before the thresholds). */
export function startValidWizard(wizard: { start(): void }, http: HttpFlush, detectChanges: () => void): void {
  const internals = wizard as unknown as WizardInternals;
  wizard.start();
  answerWizardPickers(http);
  internals.form.patchValue({ target: { name: 'web', vAppId: VAPP_ID }, template: { templateId: TEMPLATE_ID }, balancer: { edgeGatewayId: EDGE_ID } });
  internals.edgeChanged();
  http.expectOne(POOLS_URL).flush(wirePools());
  internals.form.patchValue({ balancer: { lbPoolName: 'web-pool' } });
  detectChanges();
}
