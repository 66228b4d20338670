import { Upstream } from '../errors';
import { VCD_API_VERSION } from './client';

// vCD answers are loosely typed JSON; each reader picks the fields it needs.
export type Json = Record<string, any>;

/** HTTP to vCD with a caller's bearer token: legacy /api (`application/*+json`) or cloudapi (`application/json`). */
export interface VcdHttp {
  base: string;
  /** fetch with the timeout; a network failure becomes Upstream "vCD is not reachable". */
  fetch(path: string, init: RequestInit): Promise<Response>;
  /** GET as JSON; null when vCD hides (403) or does not know (404) it. */
  get(token: string, path: string, legacy: boolean): Promise<unknown | null>;
  /** A change; answers the Location header (a task href for legacy actions); an error names vCD's message. */
  send(token: string, method: string, path: string, body: unknown, legacy: boolean): Promise<string | null>;
  /** Polls a task (VCD-WIRE §6) until success; its error becomes Upstream. */
  waitTask(token: string, href: string | null): Promise<void>;
}

const accept = (legacy: boolean) => (legacy ? `application/*+json;version=${VCD_API_VERSION}` : `application/json;version=${VCD_API_VERSION}`);

/** vCD's error body names what is wrong in `message`; empty when it is not JSON. */
function messageOf(text: string): string {
  try {
    return String(JSON.parse(text).message ?? '');
  } catch {
    return '';
  }
}

export function createVcdHttp(options: { vcdUrl: string; timeoutMs?: number }): VcdHttp {
  const base = options.vcdUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function fetchVcd(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(base + path, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new Upstream(`vCD is not reachable (${(err as Error).message})`, 'vcd');
    }
  }

  async function get(token: string, path: string, legacy: boolean): Promise<unknown | null> {
    const res = await fetchVcd(path, { headers: { Accept: accept(legacy), Authorization: `Bearer ${token}` } });
    if (res.status === 403 || res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Upstream(`vCD answered ${res.status} for ${path.split('?')[0]}`, 'vcd');
    }
    return res.json().catch(() => {
      throw new Upstream(`vCD answered ${path.split('?')[0]} with a body that is not JSON`, 'vcd');
    });
  }

  async function send(token: string, method: string, path: string, body: unknown, legacy: boolean): Promise<string | null> {
    const res = await fetchVcd(path, {
      method,
      headers: {
        Accept: accept(legacy),
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': legacy ? 'application/*+json' : 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      const message = messageOf(text);
      throw new Upstream(`vCD answered ${res.status} for ${method} ${path.split('?')[0]}${message ? `: ${message}` : ''}`, 'vcd');
    }
    return res.headers.get('location');
  }

  async function waitTask(token: string, href: string | null): Promise<void> {
    if (!href) return;
    const path = new URL(href, base).pathname;
    for (let delay = 10; ; delay = Math.min(delay * 2, 500)) {
      const task = (await get(token, path, true)) as Json | null;
      if (!task) throw new Upstream(`vCD lost task ${path}`, 'vcd-task');
      if (task.status === 'success') return;
      if (task.status === 'error' || task.status === 'aborted') throw new Upstream(`vCD task failed: ${task.error?.message ?? task.details ?? task.status}`, 'vcd-task');
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  return { base, fetch: fetchVcd, get, send, waitTask };
}

/** The uuid of a vCD URN (`urn:vcloud:vapp:<uuid>`), or the id itself; prefixed ids like `vapp-<uuid>` lose the prefix. */
export function uuidOf(id: string): string {
  const tail = id.slice(id.lastIndexOf(':') + 1);
  return tail.replace(/^(vapp|vm|vappTemplate)-/i, '');
}

const SAFE_ID = /^[\w-]{1,100}$/;

/** The uuid of an id when it is safe in a URL path, else null. */
export function safeUuid(id: string): string | null {
  const uuid = uuidOf(id);
  return SAFE_ID.test(uuid) ? uuid : null;
}
