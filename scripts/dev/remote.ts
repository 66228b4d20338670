import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { portalHost } from '../../mock-vcd/portal-host/static';
import { startServer } from '../../server/main';
import { LOCAL_PLUGIN_PATH, LocalPlugin, pluginList } from './local-plugin';
import { REMOTE_PATHS, remoteProxy, type RemoteTls } from './proxy';

/**
 * `npm start -- --vcd https://vcd.example`: the portal shell and the local plugin on this machine, vCD's API proxied
 * to the remote vCD with the user's own session, and the local backend on that vCD's MQTT bus as its external
 * service (with the EXTENSION token `vcd-serverless deploy` stored; see docs/deploy.md).
 */
export interface RemoteDevOptions {
  vcdUrl: string;
  /** PEM file of the CA of the remote's certificate. */
  caFile?: string;
  /** Do not check the remote's certificate (a lab vCD; warned about). */
  insecureTls?: boolean;
  host?: string;
  /** The local portal's port (0 = any). */
  port?: number;
  backendPort?: number;
  zipPath?: string;
  portalDir?: string;
  /** More backend config: its store, the EXTENSION token (file), log level. */
  backend?: Record<string, unknown>;
  warn?: (line: string) => void;
}

export interface RemoteDev {
  portalUrl: string;
  backendUrl: string;
  close(): Promise<void>;
}

export async function startRemoteDev(options: RemoteDevOptions): Promise<RemoteDev> {
  const root = path.resolve(__dirname, '../..');
  const tls = remoteTls(options);
  const plugin = new LocalPlugin(options.zipPath ?? path.join(root, 'dist/plugin.zip'));
  plugin.read();
  const backend = await startServer({
    host: options.host ?? '127.0.0.1',
    port: options.backendPort ?? 0,
    vcdUrl: options.vcdUrl,
    vcdTransport: 'mqtt',
    ...(options.caFile ? { vcdCaFile: options.caFile } : {}),
    ...(options.insecureTls ? { vcdInsecureTls: true } : {}),
    ...options.backend,
  } as never);
  const app = express();
  app.disable('x-powered-by');
  const list = pluginList(options.vcdUrl, plugin, tls);
  const forward = remoteProxy(options.vcdUrl, tls);
  app.get('/cloudapi/extensions/ui', (req, res, next) => void list(req, res).catch(next));
  app.use((req, res, next) => {
    if (req.path.startsWith(`${LOCAL_PLUGIN_PATH}/`)) return plugin.serve(req, res);
    if (REMOTE_PATHS.test(req.path)) return forward(req, res);
    next();
  });
  app.use(portalHost({ portalDir: options.portalDir ?? path.join(root, 'dist/portal/browser') }));
  const server = createServer(app);
  try {
    await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  } catch (err) {
    await backend.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  return {
    portalUrl: `http://${options.host ?? '127.0.0.1'}:${port}`,
    backendUrl: backend.url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await backend.close();
    },
  };
}

function remoteTls(options: RemoteDevOptions): RemoteTls {
  if (options.insecureTls) {
    (options.warn ?? console.warn)(`--insecure-tls: the certificate of ${options.vcdUrl} is NOT checked; a lab setting only`);
    return { insecure: true };
  }
  if (!options.caFile) return {};
  try {
    return { ca: readFileSync(options.caFile, 'utf8') };
  } catch (err) {
    throw new Error(`--vcd-ca ${options.caFile} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}
