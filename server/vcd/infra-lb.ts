import { Upstream } from '../errors';
import { safeUuid, type Json, type VcdHttp } from './infra-http';
import type { VcdInfra } from './infra-types';

type LoadBalancerOps = Pick<VcdInfra, 'edgeGateway' | 'pools' | 'poolMembers' | 'setPoolMember'>;

/** NSX-T edge gateways and their load-balancer pools over cloudapi; a pool is changed by rewriting it whole. */
export function loadBalancerOps(http: VcdHttp): LoadBalancerOps {
  const { get, send, waitTask } = http;
  async function poolOf(token: string, edgeGatewayId: string, poolName: string): Promise<Json | null> {
    const uuid = safeUuid(edgeGatewayId);
    if (!uuid) return null;
    const list = (await get(token, `/cloudapi/1.0.0/edgeGateways/urn:vcloud:gateway:${uuid}/loadBalancer/poolSummaries?pageSize=128`, false)) as Json | null;
    const summary = (list?.values ?? []).find((p: Json) => p.name === poolName);
    if (!summary) return null;
    return (await get(token, `/cloudapi/1.0.0/loadBalancer/pools/${encodeURIComponent(summary.id)}`, false)) as Json | null;
  }
  return {
    async poolMembers(token, edgeGatewayId, poolName) {
      const pool = await poolOf(token, edgeGatewayId, poolName);
      return pool ? (pool.members ?? []).map((m: Json) => ({ ipAddress: String(m.ipAddress), port: Number(m.port), enabled: m.enabled !== false })) : null;
    },
    async setPoolMember(token, edgeGatewayId, poolName, ipAddress, present) {
      const pool = await poolOf(token, edgeGatewayId, poolName);
      if (!pool) throw new Upstream(`load-balancer pool ${poolName} is gone`, 'vcd');
      const members: Json[] = pool.members ?? [];
      const has = members.some((m) => m.ipAddress === ipAddress);
      if (has === present) return; // idempotent: a retried step adds no duplicate member
      const next = present
        ? [...members, { ipAddress, port: pool.defaultPort ?? 80, ratio: 1, enabled: true }]
        : members.filter((m) => m.ipAddress !== ipAddress);
      const { healthMessage: _h, memberCount: _m, enabledMemberCount: _e, upMemberCount: _u, ...rest } = pool;
      const body = { ...rest, members: next.map((m) => ({ ipAddress: m.ipAddress, port: m.port, ratio: m.ratio ?? 1, enabled: m.enabled !== false })) };
      await waitTask(token, await send(token, 'PUT', `/cloudapi/1.0.0/loadBalancer/pools/${encodeURIComponent(pool.id)}`, body, false));
    },
    async edgeGateway(token, id) {
      const uuid = safeUuid(id);
      if (!uuid) return null;
      const body = (await get(token, `/cloudapi/1.0.0/edgeGateways/urn:vcloud:gateway:${uuid}`, false)) as Json | null;
      if (!body) return null;
      return { id: String(body.id), name: String(body.name), orgName: body.orgRef?.name ?? null };
    },
    async pools(token, edgeGatewayId) {
      const uuid = safeUuid(edgeGatewayId);
      if (!uuid) return null;
      const path = `/cloudapi/1.0.0/edgeGateways/urn:vcloud:gateway:${uuid}/loadBalancer/poolSummaries?pageSize=128`;
      const body = (await get(token, path, false)) as Json | null;
      if (!body) return null;
      const values: Json[] = body.values ?? [];
      return values.map((p) => ({ id: String(p.id), name: String(p.name), members: [], memberCount: Number(p.memberCount ?? 0), enabled: p.enabled !== false }));
    },
  };
}
