import { trustVcdForFetch, vcdTls } from '../../server/transport/mqtt/tls';
import { diffEnvironments } from './diff';
import { type Environment, resolveEnvironment } from './environment';
import { collectStatus, type EnvironmentStatus, formatStatus, type StatusTarget } from './status';
import { loginAsProvider, VcdProviderError } from './vcd-provider';

/** `vcd-serverless status` and `vcd-serverless diff`: read-only, so they share one way of naming environments. */

export interface InspectIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  askSecret?: (prompt: string) => Promise<string>;
}

export interface InspectOptions {
  env?: string;
  from?: string;
  to?: string;
  vcd?: string;
  user?: string;
  json: boolean;
  target: StatusTarget;
  caFile?: string;
  insecure: boolean;
}

async function statusOf(environment: Environment, options: InspectOptions, io: InspectIo): Promise<EnvironmentStatus> {
  trustVcdForFetch(environment.vcdUrl, vcdTls({ caFile: environment.caFile, insecure: environment.insecure }, (line) => io.err(`vcd-serverless: warning: ${line}`)));
  let password = io.env[environment.passwordVar];
  if (!password) {
    if (!io.askSecret) throw new VcdProviderError(`no password for ${environment.label}: set ${environment.passwordVar} or run in a terminal to be asked`);
    password = await io.askSecret(`vCD password for ${environment.user} at ${environment.vcdUrl}: `);
  }
  try {
    const session = await loginAsProvider({ vcdUrl: environment.vcdUrl, user: environment.user, password });
    return await collectStatus(session, options.target);
  } catch (err) {
    if (err instanceof VcdProviderError && err.status === 401 && /login/.test(err.message)) {
      throw new VcdProviderError(`vCD at ${environment.vcdUrl} (${environment.label}) refused the login of ${environment.user}: wrong user or password`);
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (err instanceof TypeError && cause) throw new VcdProviderError(`cannot reach vCD at ${environment.vcdUrl} (${environment.label}): ${cause.code ?? cause.message}`);
    throw err;
  }
}

const defaultsOf = (o: InspectOptions) => ({ user: o.user, caFile: o.caFile, insecure: o.insecure });

/** Prints one environment's status: a readable summary, or with --json the whole object. */
export async function runStatus(options: InspectOptions, io: InspectIo): Promise<number> {
  const spec = options.env ?? options.vcd;
  if (!spec) throw new VcdProviderError('status needs --env FILE, or --vcd URL with --user');
  const status = await statusOf(resolveEnvironment(spec, defaultsOf(options)), options, io);
  if (options.json) io.out(JSON.stringify(status, null, 2));
  else for (const line of formatStatus(status)) io.out(line);
  return 0;
}

/** Lists every difference between two environments: exit 0 and nothing printed when they match, 1 when they differ. */
export async function runDiff(options: InspectOptions, io: InspectIo): Promise<number> {
  if (!options.from || !options.to) throw new VcdProviderError('diff needs --from and --to (env files, or vCD URLs with --user)');
  const from = await statusOf(resolveEnvironment(options.from, defaultsOf(options)), options, io);
  const to = await statusOf(resolveEnvironment(options.to, defaultsOf(options)), options, io);
  const lines = diffEnvironments(from, to);
  if (options.json) io.out(JSON.stringify({ from: options.from, to: options.to, differences: lines }, null, 2));
  else for (const line of lines) io.out(line);
  return lines.length ? 1 : 0;
}

/** The parsed flags status and diff read (bin/cli.ts's OPTIONS). */
export interface InspectFlags {
  env?: string;
  from?: string;
  to?: string;
  vcd?: string;
  user?: string;
  json?: boolean;
  name: string;
  'plugin-name'?: string;
  vendor: string;
  'service-version': string;
  'ca-file'?: string;
  insecure?: boolean;
}

/** status, or diff; a diff that could not compare exits 2 (as diff(1) does), since 1 means "they differ". */
export async function runInspect(command: 'status' | 'diff', flags: InspectFlags, io: InspectIo): Promise<number> {
  const options: InspectOptions = {
    env: flags.env,
    from: flags.from,
    to: flags.to,
    vcd: flags.vcd,
    user: flags.user,
    json: flags.json ?? false,
    target: { pluginName: flags['plugin-name'] ?? 'Serverless', name: flags.name, service: { vendor: flags.vendor, name: flags.name, version: flags['service-version'] } },
    caFile: flags['ca-file'] ?? io.env.VCD_CA_FILE,
    insecure: flags.insecure || ['1', 'true'].includes(io.env.VCD_INSECURE_TLS ?? ''),
  };
  if (command === 'status') return runStatus(options, io);
  try {
    return await runDiff(options, io);
  } catch (err) {
    io.err(`vcd-serverless: ${(err as Error).message}`);
    return 2;
  }
}
