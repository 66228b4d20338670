import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import AdmZip from 'adm-zip';
import { Agent, fetch as undiciFetch } from 'undici';
import type { RemoteTls } from './proxy';

/**
 * The local plugin in the remote vCD's portal, as VMware's ui-emulator does it: the plugin list the shell reads
 * (`GET /cloudapi/extensions/ui`) is the remote's, with the local build added and any remote plugin of the same name
 * left out, and the local build's files are served from dist/plugin.zip (read again when it changes).
 */

export const LOCAL_PLUGIN_PATH = '/local-plugin';
export const LOCAL_PLUGIN_ID = 'urn:vcloud:uiPlugin:local-dev';

interface Unpacked {
  mtimeMs: number;
  files: Map<string, Buffer>;
  manifest: { name: string; version?: string; vendor?: string; description?: string; scope?: string[] };
}

export class LocalPlugin {
  private unpacked?: Unpacked;

  constructor(private readonly zipPath: string) {}

  /** The zip's files and manifest; a clear error when it is missing (npm start builds it). */
  read(): Unpacked {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.zipPath).mtimeMs;
    } catch {
      throw new Error(`${this.zipPath} is missing: build the plugin first (npx ng build plugin)`);
    }
    if (this.unpacked?.mtimeMs === mtimeMs) return this.unpacked;
    const files = new Map<string, Buffer>();
    for (const entry of new AdmZip(readFileSync(this.zipPath)).getEntries()) if (!entry.isDirectory) files.set(entry.entryName, entry.getData());
    const manifest = JSON.parse(files.get('manifest.json')?.toString('utf8') ?? 'null');
    if (!manifest?.name) throw new Error(`${this.zipPath} is not a vCD UI plugin: no manifest.json with a name`);
    this.unpacked = { mtimeMs, files, manifest };
    return this.unpacked;
  }

  /** vCD's list entry for the local build (VCD-WIRE §1), its files under LOCAL_PLUGIN_PATH. */
  entry(): Record<string, unknown> {
    const { manifest } = this.read();
    return {
      id: LOCAL_PLUGIN_ID, pluginName: manifest.name, vendor: manifest.vendor, version: manifest.version, description: manifest.description,
      enabled: true, plugin_status: 'ready', resourcePath: LOCAL_PLUGIN_PATH,
      tenant_scoped: (manifest.scope ?? ['tenant']).includes('tenant'), provider_scoped: (manifest.scope ?? []).includes('service-provider'),
    };
  }

  /** GET /local-plugin/<file>: the file from the zip, else 404. */
  serve(req: IncomingMessage, res: ServerResponse): void {
    const file = decodeURIComponent(new URL(req.url ?? '/', 'http://local').pathname.slice(LOCAL_PLUGIN_PATH.length + 1));
    const bytes = this.read().files.get(file);
    if (!bytes) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`${file} is not in ${path.basename(this.zipPath)}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': contentType(file), 'Cache-Control': 'no-cache' }).end(bytes);
  }
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.html': 'text/html' };
const contentType = (file: string) => `${TYPES[path.extname(file)] ?? 'application/octet-stream'}; charset=utf-8`.replace(/(image\/png|octet-stream); charset=utf-8/, '$1');

/** GET /cloudapi/extensions/ui with the user's session: the remote's plugins (but the local one's name) and the local one. */
export function pluginList(vcdUrl: string, plugin: LocalPlugin, tls: RemoteTls = {}) {
  const dispatcher = new URL(vcdUrl).protocol === 'https:' ? new Agent({ connect: { ca: tls.ca, rejectUnauthorized: !tls.insecure } }) : undefined;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers: Record<string, string> = {};
    for (const name of ['accept', 'authorization', 'x-vcloud-authorization', 'cookie']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name] as string;
    const remote = await undiciFetch(new URL(req.url ?? '', vcdUrl), { headers, dispatcher });
    const body = await remote.text();
    if (!remote.ok) {
      res.writeHead(remote.status, { 'Content-Type': remote.headers.get('content-type') ?? 'text/plain' }).end(body);
      return;
    }
    const listed = JSON.parse(body) as { pluginName?: string }[] | { values?: { pluginName?: string }[] };
    const values = Array.isArray(listed) ? listed : (listed.values ?? []);
    const local = plugin.entry();
    const merged = [...values.filter((p) => p.pluginName !== local.pluginName), local];
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(Array.isArray(listed) ? merged : { ...listed, values: merged }));
  };
}
