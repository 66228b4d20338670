import path from 'node:path';
import { parseArgs } from 'node:util';
import { planDeploy, planUndeploy, readPluginZip, type Step } from './lib/deploy';
import type { AmqpSettings } from './lib/vcd-admin';
import { runInspect } from './lib/inspect-cli';
import { runLogs } from './lib/logs';
import { verifiedReleaseZip } from './lib/release';
import { loginAsProvider, VcdProviderError } from './lib/vcd-provider';
import { trustVcdForFetch, vcdTls } from '../server/transport/mqtt/tls';

const USAGE = `Usage:
  vcd-serverless deploy   --vcd URL --user administrator@System [--zip dist/plugin.zip | --release release/<version>]
                          [--allow-downgrade] [--name serverless]
                          [--transport mqtt|amqp] [--dry-run] [--ca-file vcd-ca.pem | --insecure]
        mqtt (default; vCD 10.4+): [--vendor vcd-serverless] [--service-version 1.0.0]
                          [--token-file .data/backend/mqtt-extension.token]
        amqp (vCD <= 10.5):  [--exchange vcdext] [--routing-key serverless] [--amqp-url amqp://user@host:5672/vhost]
                          [--amqp-exchange systemExchange] [--amqp-prefix vcd]
  vcd-serverless undeploy --vcd URL --user administrator@System [--name serverless] [--plugin-name Serverless]
                          [--vendor ..] [--service-version ..] [--token-file ..] [--dry-run]
  vcd-serverless status   (--env envs/staging.env | --vcd URL --user administrator@System) [--json]
                          [--name serverless] [--plugin-name Serverless] [--vendor ..] [--service-version ..]
  vcd-serverless diff     --from envs/staging.env --to envs/production.env [--json]
                          (exit 0: they match; 1: the differences are listed; 2: could not compare)
  vcd-serverless logs <function> (--env envs/acme.env | --vcd URL --user admin@org) [--org org] [--follow]
                          [--status success|error|timeout|memory|rejected] [--version N] [--trigger http|event|async|schedule]
                          (the latest calls and their log lines; --follow goes on with new ones until Ctrl-C)

An env file holds VCD_URL, VCD_USER, VCD_PASSWORD_VAR (the variable with the password; VCD_PASSWORD when unset),
and optionally VCD_CA_FILE or VCD_INSECURE_TLS=1. Never the password itself.

The vCD password comes from VCD_PASSWORD or a prompt; the broker's from AMQP_PASSWORD. Never as an argument.
The EXTENSION token goes to --token-file (mode 0600), where the backend reads it; it is never printed.
--ca-file (or VCD_CA_FILE) trusts a lab vCD's own CA; --insecure (or VCD_INSECURE_TLS=1) checks no certificate.`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Asks for a secret without echoing it; undefined when there is no terminal to ask on. */
  askSecret?: (prompt: string) => Promise<string>;
  /** Aborted on Ctrl-C: `logs --follow` stops and exits 0. */
  signal?: AbortSignal;
}

const OPTIONS = {
  vcd: { type: 'string' },
  user: { type: 'string' },
  zip: { type: 'string' },
  name: { type: 'string', default: 'serverless' },
  'plugin-name': { type: 'string' },
  exchange: { type: 'string', default: 'vcdext' },
  'routing-key': { type: 'string' },
  'amqp-url': { type: 'string' },
  'amqp-exchange': { type: 'string', default: 'systemExchange' },
  'amqp-prefix': { type: 'string', default: 'vcd' },
  transport: { type: 'string' },
  vendor: { type: 'string', default: 'vcd-serverless' },
  'service-version': { type: 'string', default: '1.0.0' },
  'token-file': { type: 'string', default: '.data/backend/mqtt-extension.token' },
  'ca-file': { type: 'string' },
  insecure: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
  env: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean', default: false },
  release: { type: 'string' },
  'allow-downgrade': { type: 'boolean', default: false },
  org: { type: 'string' },
  follow: { type: 'boolean', short: 'f', default: false },
  status: { type: 'string' },
  version: { type: 'string' },
  trigger: { type: 'string' },
} as const;

class UsageError extends Error {}

function amqpSettingsOf(url: string): AmqpSettings & { password?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--amqp-url "${url}" is not a URL (amqp://user@host:5672/vhost)`);
  }
  if (!['amqp:', 'amqps:'].includes(u.protocol)) throw new UsageError(`--amqp-url must start with amqp:// or amqps:// (got ${u.protocol})`);
  if (u.password) throw new UsageError('--amqp-url must not carry a password: set AMQP_PASSWORD instead');
  return {
    AmqpHost: u.hostname,
    AmqpPort: u.port || (u.protocol === 'amqps:' ? '5671' : '5672'),
    AmqpUsername: decodeURIComponent(u.username || 'guest'),
    AmqpExchange: '',
    AmqpVHost: decodeURIComponent(u.pathname.slice(1)) || '/',
    AmqpUseSSL: String(u.protocol === 'amqps:'),
    AmqpPrefix: '',
  };
}

/** Why a call to vCD failed, in words a provider can act on. */
function explain(err: unknown, vcdUrl: string, user: string): string {
  if (err instanceof VcdProviderError && err.status === 401 && /login/.test(err.message)) {
    return `vCD at ${vcdUrl} refused the login of ${user}: wrong user or password (or not a System administrator)`;
  }
  if (err instanceof VcdProviderError) return err.message;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (err instanceof TypeError && cause) return `cannot reach vCD at ${vcdUrl}: ${cause.code ?? cause.message}`;
  return (err as Error).message ?? String(err);
}

async function password(io: CliIo, user: string): Promise<string> {
  if (io.env.VCD_PASSWORD) return io.env.VCD_PASSWORD;
  if (!io.askSecret) throw new UsageError('no password: set VCD_PASSWORD or run in a terminal to be asked');
  return io.askSecret(`vCD password for ${user}: `);
}

/** Says each step and, unless a dry run, makes it. */
async function applySteps(steps: Step[], dryRun: boolean, io: CliIo): Promise<void> {
  if (!steps.length) {
    io.out('no changes: vCD already holds this state');
    return;
  }
  for (const step of steps) {
    io.out(`${dryRun ? 'would ' : ''}${step.describe}`);
    if (!dryRun) await step.apply();
  }
  io.out(dryRun ? `dry run: ${steps.length} change(s) planned, none made` : `done: ${steps.length} change(s)`);
}

/** `logs <function>`: checks its arguments, then reads through vCD as the tenant. */
async function logsCommand(positionals: string[], values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'], io: CliIo): Promise<number> {
  if (positionals.length !== 2) throw new UsageError('logs needs exactly one function name');
  if (values.version && !/^[1-9]\d*$/.test(values.version)) throw new UsageError(`--version must be a version number (got "${values.version}")`);
  const insecure = values.insecure || ['1', 'true'].includes(io.env.VCD_INSECURE_TLS ?? '');
  return runLogs(
    { fn: positionals[1], env: values.env, vcd: values.vcd, user: values.user, org: values.org, follow: Boolean(values.follow), status: values.status, version: values.version, trigger: values.trigger, caFile: values['ca-file'] ?? io.env.VCD_CA_FILE, insecure },
    io,
  );
}

/** Runs the CLI; resolves with the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let vcdUrl = '';
  let user = '';
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const command = positionals[0];
    if (values.help || !command) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    if ((command === 'status' || command === 'diff') && positionals.length === 1) return await runInspect(command, values, io);
    if (command === 'logs') return await logsCommand(positionals, values, io);
    if (!['deploy', 'undeploy'].includes(command) || positionals.length > 1) throw new UsageError(`unknown command "${positionals.join(' ')}"`);
    if (!values.vcd || !values.user) throw new UsageError('--vcd and --user are required');
    vcdUrl = values.vcd.replace(/\/+$/, '');
    user = values.user;
    if (values.release && values.zip) throw new UsageError('--release and --zip exclude each other: a release carries its plugin.zip');
    // A release's zip only when SHA256SUMS vouches for its bytes: checked before anything is asked or changed.
    const zipPath = values.release && command === 'deploy' ? await verifiedReleaseZip(values.release) : path.resolve(values.zip ?? 'dist/plugin.zip');
    const name = values.name;
    const transport = values.transport ?? (values['amqp-url'] ? 'amqp' : 'mqtt');
    if (transport !== 'mqtt' && transport !== 'amqp') throw new UsageError(`--transport must be mqtt or amqp (got "${transport}")`);
    const mqtt = { service: { vendor: values.vendor, name, version: values['service-version'] }, tokenFile: path.resolve(values['token-file']), note: io.out };
    const insecure = values.insecure || ['1', 'true'].includes(io.env.VCD_INSECURE_TLS ?? '');
    trustVcdForFetch(vcdUrl, vcdTls({ caFile: values['ca-file'] ?? io.env.VCD_CA_FILE, insecure }, (line) => io.err(`vcd-serverless: warning: ${line}`)));

    let steps: Step[];
    if (command === 'deploy') {
      const manifest = await readPluginZip(zipPath); // a wrong zip fails before anything is asked or changed
      const amqp = values['amqp-url']
        ? { settings: { ...amqpSettingsOf(values['amqp-url']), AmqpExchange: values['amqp-exchange'], AmqpPrefix: values['amqp-prefix'] }, password: io.env.AMQP_PASSWORD }
        : undefined;
      const session = await loginAsProvider({ vcdUrl, user, password: await password(io, user) });
      const as = transport === 'mqtt' ? `external service ${mqtt.service.vendor}/${name}/${mqtt.service.version} on vCD's MQTT bus` : `API extension ${name} over AMQP`;
      io.out(`vCD ${vcdUrl}: deploying ${manifest.name} ${manifest.version} as ${as}`);
      steps = await planDeploy(session, { zipPath, name, exchange: values.exchange, routingKey: values['routing-key'] ?? name, amqp, transport, mqtt, allowDowngrade: values['allow-downgrade'] });
    } else {
      const pluginName = values['plugin-name'] ?? (await readPluginZip(zipPath).then((m) => m.name, () => 'Serverless'));
      const session = await loginAsProvider({ vcdUrl, user, password: await password(io, user) });
      io.out(`vCD ${vcdUrl}: removing UI plugin ${pluginName} and API extension ${name}`);
      steps = await planUndeploy(session, { name, pluginName, mqtt });
    }

    await applySteps(steps, Boolean(values['dry-run']), io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`vcd-serverless: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`vcd-serverless: ${explain(err, vcdUrl, user)}`);
    return 1;
  }
}
