import { uuidOf } from '../orgs/directory';
import { currentMetrics, usageOf } from '../infra/metrics';
import { vappUrn, vmUrn } from '../infra/model';
import type { VcdNotification } from '../infra/notifications';
import type { Infra } from '../infra/service';
import type { MockMqttBus } from './broker';
import { eventMessage, metricsMessage } from './messages';

/**
 * What vCD pushes onto its bus by itself: each notification on `publish/{org}/{user}` (the user who caused it) and,
 * every interval, each vApp's VM metrics on `metrics/{org}/{vApp}` (docs/vcd-mqtt.md §4.3). Returns a stop function.
 */
export function publishInfraOnBus(bus: MockMqttBus, infra: Infra): () => void {
  const onNotification = (n: VcdNotification) => {
    void bus.publish(`publish/${uuidOf(n.org)}/${uuidOf(n.user)}`, eventMessage(n)).catch(() => undefined);
  };
  infra.notifier.on('notification', onNotification);
  const timer = bus.metricsIntervalMs > 0 ? setInterval(() => publishMetrics(bus, infra), bus.metricsIntervalMs) : undefined;
  timer?.unref();
  return () => {
    infra.notifier.off('notification', onNotification);
    if (timer) clearInterval(timer);
  };
}

/** One METRICS message per vApp with a powered-on VM, with the metric names of `/metrics/current`. */
export function publishMetrics(bus: MockMqttBus, infra: Infra): void {
  const inv = infra.inventory;
  const timestamp = new Date().toISOString();
  for (const vapp of inv.vapps) {
    const vms = vapp.vms.filter((vm) => vm.power === 'POWERED_ON');
    if (!vms.length) continue;
    const payload = {
      vApp: vappUrn(vapp.uuid),
      org: vapp.orgId,
      timestamp,
      vms: vms.map((vm) => ({ id: vmUrn(vm.uuid), name: vm.name, metrics: currentMetrics(vm, usageOf(inv, vapp, vm)) })),
    };
    void bus.publish(`metrics/${uuidOf(vapp.orgId)}/${vapp.uuid}`, metricsMessage(payload), 0).catch(() => undefined);
  }
}
