import { randomUUID } from 'node:crypto';
import path from 'node:path';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { VcdError, notFound, sendVcdError, unauthorized } from './http/vcd-errors';
import { createDemoDirectory } from './orgs/directory';
import { orgRoutes } from './orgs/routes';
import { tokenOf } from './sessions/auth';
import { sessionRoutes } from './sessions/routes';
import { SessionStore } from './sessions/store';
import { UiPluginStore } from './ui-plugins/store';
import { uiPluginRoutes } from './ui-plugins/routes';
import { ExtensionRegistry } from './extensions/registry';
import { extensionRoutes } from './extensions/routes';
import { forwardToExtensions } from './extensions/forward';
import { portalHost } from './portal-host/static';
import { Infra, type InfraOptions } from './infra/service';
import { infraRoutes } from './infra/routes';
import { loadBalancerRoutes } from './infra/lb-routes';
import { infraAdminRoutes } from './infra/admin-routes';
import { VropsMock, type VropsOptions } from './vrops/service';
import { vropsRoutes } from './vrops/routes';
import { suiteApiRoutes } from './vrops/suite-api';
import { billingRoutes } from './billing/routes';
import { defaultAmqpSettings } from './extensions/amqp-settings';
import type { MockVcdState } from './state';
// vCD 10.4+'s MQTT bus and external services (issue 12, docs/vcd-mqtt.md)
import { ExternalServices } from './extensions/external-services';
import { externalServiceRoutes } from './extensions/cloudapi-routes';
import { MockMqttBus, type MockMqttOptions } from './mqtt/broker';
import { mqttAdminRoutes } from './mqtt/routes';

export interface MockVcdOptions {
  /** namespace → base URL of the extension's HTTP endpoint (the local stand-in for vCD's AMQP bridge). */
  httpExtensions?: Record<string, string>;
  /** HMAC key for X-VCloud-Context-Signature; without it the security context is sent unsigned. */
  sharedSecret?: string;
  /** Idle time after which a session dies (vCD's sessionIdleTimeoutMinutes); default 30 minutes. */
  sessionIdleTimeoutMs?: number;
  /** The built portal host (`ng build portal`); default dist/portal/browser of the repo. */
  portalDir?: string;
  /** Clock for session expiry; tests pass their own. */
  now?: () => number;
  /** vApps, VMs, tasks, LB pools and metrics (infra/): sampling interval, task delay, notification targets. */
  infra?: InfraOptions;
  /** The mock vROps: evaluation interval, REST and SNMP alert targets. */
  vrops?: VropsOptions;
  /** The MQTT bus on /messaging/mqtt: API_REQUEST timeout, metrics interval (main.ts starts it). */
  mqtt?: MockMqttOptions;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;

/** The mock vCD as an Express app; never listens (main.ts does). */
export function createMockVcd(options: MockVcdOptions = {}): { app: Express; state: MockVcdState } {
  const directory = createDemoDirectory();
  const infra = new Infra(directory, options.infra);
  // Notification webhooks are signed with the extension secret, so the backend can tell them from forgeries.
  infra.notifier.secret = options.sharedSecret;
  const state: MockVcdState = {
    directory,
    sessions: new SessionStore(directory, {
      idleTimeoutMs: options.sessionIdleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      now: options.now ?? Date.now,
    }),
    uiPlugins: new UiPluginStore(),
    extensions: new ExtensionRegistry(),
    httpExtensions: { ...(options.httpExtensions ?? {}) },
    sharedSecret: options.sharedSecret,
    site: { name: 'mock-vcd', id: 'urn:vcloud:site:0c5b1f3e-8d2a-4e6f-9b7c-1a2d3e4f5a60' },
    infra,
    vrops: new VropsMock(infra, options.vrops),
    amqpSettings: defaultAmqpSettings(),
    externalServices: new ExternalServices(),
    mqtt: undefined as unknown as MockMqttBus, // set below: the bus needs the session store made in this literal
  };
  state.mqtt = new MockMqttBus({ sessions: state.sessions, services: state.externalServices }, options.mqtt);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    res.set('X-VMWARE-VCLOUD-REQUEST-ID', randomUUID());
    next();
  });

  app.use(sessionRoutes({ directory, sessions: state.sessions, site: state.site, notifier: infra.notifier }));
  app.use(orgRoutes({ directory, sessions: state.sessions }));
  app.use(uiPluginRoutes({ directory, sessions: state.sessions, plugins: state.uiPlugins }));
  app.use(extensionRoutes({ sessions: state.sessions, registry: state.extensions, amqpSettings: state.amqpSettings }));
  app.use(infraRoutes({ sessions: state.sessions, infra: state.infra }));
  app.use(loadBalancerRoutes({ directory, sessions: state.sessions, infra: state.infra }));
  app.use(infraAdminRoutes({ sessions: state.sessions, infra: state.infra }));
  app.use(vropsRoutes({ directory, sessions: state.sessions, infra: state.infra, vrops: state.vrops }));
  app.use(suiteApiRoutes({ infra: state.infra, vrops: state.vrops }));
  app.use(billingRoutes());
  app.use(externalServiceRoutes({ sessions: state.sessions, services: state.externalServices }));
  app.use(mqttAdminRoutes({ sessions: state.sessions, bus: state.mqtt }));
  // After every own route: vCD's own routes win over extension URL patterns.
  app.use(forwardToExtensions({ state }));
  app.use(portalHost({ portalDir: options.portalDir ?? path.resolve(__dirname, '../dist/portal/browser') }));

  // Whatever is left: vCD's 401 for an unauthenticated API call, else its 404.
  app.use((req, res, next) => {
    const isApi = req.path.startsWith('/api/') || req.path.startsWith('/cloudapi/');
    const token = tokenOf(req);
    if (isApi && !(token && state.sessions.resolve(token))) return next(unauthorized());
    next(notFound(`The requested resource ${req.method} ${req.path} was not found.`));
  });
  app.use(errorHandler);
  return { app, state };
}

const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof VcdError) {
    sendVcdError(req, res, err);
    return;
  }
  // body-parser's errors carry a status (400 malformed, 413 too large, 415 charset).
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) process.stderr.write(`mock-vcd: ${req.method} ${req.path} failed: ${err?.stack ?? err}\n`);
  sendVcdError(req, res, {
    status,
    minorErrorCode: status === 413 ? 'REQUEST_ENTITY_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST',
    message: status === 500 ? 'Internal error in the mock vCD.' : `The request body could not be read: ${err?.message ?? 'invalid'}.`,
  });
};

export type { MockVcdState } from './state';
