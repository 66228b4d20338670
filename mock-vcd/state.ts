import type { MockAmqpLink } from './amqp/link';
import type { AmqpSettings } from './extensions/amqp-settings';
import type { ExtensionRegistry } from './extensions/registry';
import type { ExternalServices } from './extensions/external-services';
import type { MockMqttBus } from './mqtt/broker';
import type { Infra } from './infra/service';
import type { Directory } from './orgs/directory';
import type { SessionStore } from './sessions/store';
import type { UiPluginStore } from './ui-plugins/store';
import type { VropsMock } from './vrops/service';

/**
 * What one mock vCD holds (app.ts builds it, its routes and main.ts read it). Its own file so that the routes it is
 * handed to need not import app.ts, which imports them.
 */
export interface MockVcdState {
  directory: Directory;
  sessions: SessionStore;
  uiPlugins: UiPluginStore;
  extensions: ExtensionRegistry;
  /** Mutable: a caller may point a namespace at a backend started after the mock. */
  httpExtensions: Record<string, string>;
  sharedSecret?: string;
  site: { name: string; id: string };
  infra: Infra;
  vrops: VropsMock;
  /** Set in AMQP mode: extension requests and notifications go through RabbitMQ (mock-vcd/amqp). */
  amqp?: MockAmqpLink;
  /** What a provider set at /api/admin/extension/settings/amqp (the password is never read back). */
  amqpSettings: AmqpSettings;
  /** MQTT external services, API filters and EXTENSION tokens (cloudapi), and the bus they use. */
  externalServices: ExternalServices;
  mqtt: MockMqttBus;
}
