import type { CatalogEdgeGateway, CatalogList, CatalogPool, CatalogTemplate, CatalogVApp } from '../../contract/autoscale';
import { Invalid, NotFound } from '../errors';
import { uuidOf, type VcdInfra } from '../vcd/infra';

/** A vCD id as the wizard sends it: a URN or a bare uuid, nothing that could steer the path. */
const VCD_ID = /^(urn:vcloud:[a-z]+:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the rule wizard may pick, listed from vCD with the caller's session so vCD decides what the tenant sees;
 * each list is narrowed to the URL's org (a provider session sees every org).
 */
export class AutoscalePickers {
  constructor(private readonly vcd: VcdInfra) {}

  async vApps(org: string, token: string): Promise<CatalogList<CatalogVApp>> {
    return { items: await this.vcd.listVApps(token, org) };
  }

  async templates(org: string, token: string): Promise<CatalogList<CatalogTemplate>> {
    return { items: await this.vcd.listTemplates(token, org) };
  }

  async edgeGateways(org: string, token: string): Promise<CatalogList<CatalogEdgeGateway>> {
    return { items: await this.vcd.listEdgeGateways(token, org) };
  }

  async pools(org: string, token: string, edgeGatewayId: string): Promise<CatalogList<CatalogPool>> {
    if (!VCD_ID.test(edgeGatewayId)) throw new Invalid('not an edge gateway id', [{ path: 'id', message: 'must be an edge gateway URN (urn:vcloud:gateway:<uuid>) or uuid' }]);
    const edge = await this.vcd.edgeGateway(token, edgeGatewayId);
    // A provider session sees every org's gateways: one of another org is as absent as an unknown one.
    if (!edge || (edge.orgName !== null && edge.orgName.toLowerCase() !== org)) throw new NotFound(`edge gateway ${uuidOf(edgeGatewayId)} not found in this org`);
    const pools = (await this.vcd.pools(token, edgeGatewayId)) ?? [];
    return { items: pools.map((p) => ({ id: p.id, name: p.name, memberCount: p.memberCount ?? p.members.length, enabled: p.enabled ?? true })) };
  }
}
