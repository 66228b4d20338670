import { Upstream } from '../errors';
import { createVcdCatalog } from './catalog';
import { VCD_API_VERSION } from './client';
import { createVcdHttp } from './infra-http';
import { loadBalancerOps } from './infra-lb';
import type { VcdInfra } from './infra-types';
import { vmActions, vmReads } from './infra-vms';

export { uuidOf } from './infra-http';
export type { VcdVmRef, VcdVAppRef, VcdTemplateRef, VcdEdgeRef, VcdPoolRef, VcdVmUsage, VcdVmSample, VcdInfra } from './infra-types';

/** The reads and actions autoscale needs (the VM side in infra-vms.ts, load balancing in infra-lb.ts). */
export function createVcdInfra(options: { vcdUrl: string; timeoutMs?: number }): VcdInfra {
  const http = createVcdHttp(options);
  return {
    ...createVcdCatalog(http.get),
    ...vmReads(http),
    ...vmActions(http),
    ...loadBalancerOps(http),
    async login(user, password) {
      const path = /@system$/i.test(user) ? '/cloudapi/1.0.0/sessions/provider' : '/cloudapi/1.0.0/sessions';
      const res = await http.fetch(path, {
        method: 'POST',
        headers: { Accept: `application/json;version=${VCD_API_VERSION}`, Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      });
      await res.body?.cancel();
      const token = res.headers.get('x-vmware-vcloud-access-token');
      if (!res.ok || !token) throw new Upstream(`vCD refused the service account login (${res.status})`, 'vcd');
      return token;
    },
  };
}
