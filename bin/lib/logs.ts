import { ActivationFeedSchema, ActivationListSchema, type ActivationView } from '../../contract/activations';
import { trustVcdForFetch, vcdTls } from '../../server/transport/mqtt/tls';
import { resolveEnvironment } from './environment';
import { loginAsTenant, VcdProviderError, type ProviderSession } from './vcd-provider';

/**
 * `vcd-serverless logs <fn> [--follow]`: a function's activations and their log lines, as a tenant (user@org) reads
 * them through vCD. Without --follow the latest ones, oldest first; with --follow it then long-polls the feed
 * (…/activations/feed, which every transport carries) until Ctrl-C, which ends it cleanly (exit 0).
 */

export interface LogsIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  askSecret?: (prompt: string) => Promise<string>;
  /** Aborted by Ctrl-C: a follow stops and the command exits 0. */
  signal?: AbortSignal;
}

export interface LogsOptions {
  fn: string;
  env?: string;
  vcd?: string;
  user?: string;
  org?: string;
  follow: boolean;
  status?: string;
  version?: string;
  trigger?: string;
  caFile?: string;
  insecure: boolean;
}

/** One activation as lines: a header, then its log lines indented. */
export function formatActivation(a: ActivationView): string[] {
  const head = `${a.start}  v${a.version}  ${a.trigger.padEnd(8)} ${a.status.padEnd(8)} ${a.statusCode}  ${a.durationMs.toFixed(1)} ms  ${a.id}`;
  return [head, ...a.logs.map((l) => `  | ${l}`)];
}

async function sessionOf(o: LogsOptions, io: LogsIo): Promise<{ session: ProviderSession; org: string }> {
  const spec = o.env ?? o.vcd;
  if (!spec) throw new VcdProviderError('logs needs --env FILE, or --vcd URL with --user user@org');
  const environment = resolveEnvironment(spec, { user: o.user, caFile: o.caFile, insecure: o.insecure });
  trustVcdForFetch(environment.vcdUrl, vcdTls({ caFile: environment.caFile, insecure: environment.insecure }, (line) => io.err(`vcd-serverless: warning: ${line}`)));
  const org = o.org ?? environment.user.split('@')[1];
  if (!org) throw new VcdProviderError(`logs needs the org: a user as user@org, or --org (got "${environment.user}")`);
  let password = io.env[environment.passwordVar];
  if (!password) {
    if (!io.askSecret) throw new VcdProviderError(`no password: set ${environment.passwordVar} or run in a terminal to be asked`);
    password = await io.askSecret(`vCD password for ${environment.user} at ${environment.vcdUrl}: `);
  }
  return { session: await loginAsTenant({ vcdUrl: environment.vcdUrl, user: environment.user, password }), org };
}

async function getJson(session: ProviderSession, path: string, signal?: AbortSignal): Promise<unknown> {
  const res = await fetch(`${session.vcdUrl}${path}`, { headers: { Accept: 'application/json', Authorization: `Bearer ${session.token}` }, signal });
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 300);
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      // not JSON: the text as it came
    }
    throw new VcdProviderError(`GET ${path.split('?')[0]} answered HTTP ${res.status}: ${detail}`, res.status);
  }
  return JSON.parse(text);
}

/** Prints the latest activations, then with --follow each new one until io.signal aborts. Resolves with the exit code. */
export async function runLogs(o: LogsOptions, io: LogsIo): Promise<number> {
  const { session, org } = await sessionOf(o, io);
  const base = `/api/org/${encodeURIComponent(org)}/faas/functions/${encodeURIComponent(o.fn)}/activations`;
  const filter = new URLSearchParams();
  for (const [k, v] of Object.entries({ status: o.status, version: o.version, trigger: o.trigger })) if (v) filter.set(k, v);
  // The cursor first: nothing recorded between the list and the first poll is lost.
  const start = o.follow ? ActivationFeedSchema.parse(await getJson(session, `${base}/feed?${filter}&waitMs=0`)) : undefined;
  const latest = ActivationListSchema.parse(await getJson(session, `${base}?limit=20${o.status ? `&status=${o.status}` : ''}`));
  const shown = latest.items.filter((a) => (!o.version || String(a.version) === o.version) && (!o.trigger || a.trigger === o.trigger));
  for (const a of shown.reverse()) for (const line of formatActivation(a)) io.out(line);
  if (!start) return 0;
  io.out(`-- following ${o.fn} in ${org} (Ctrl-C stops)`);
  let cursor = start.cursor;
  while (!io.signal?.aborted) {
    let page;
    try {
      page = ActivationFeedSchema.parse(await getJson(session, `${base}/feed?${filter}&after=${cursor}&waitMs=20000`, io.signal));
    } catch (err) {
      if (io.signal?.aborted) break;
      throw err;
    }
    for (const a of page.items) for (const line of formatActivation(a)) io.out(line);
    cursor = page.cursor;
  }
  return 0;
}
