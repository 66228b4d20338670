import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** `npm start -- --vcd URL [--vcd-ca FILE | --insecure-tls]`: development against a remote vCD (scripts/dev/remote.ts). */
export interface RemoteArgs {
  vcdUrl: string;
  caFile?: string;
  insecureTls: boolean;
}

export const REMOTE_USAGE = 'npm start -- [--vcd https://vcd.example [--vcd-ca ca.pem | --insecure-tls]]';

/** The remote vCD asked for, undefined for the local mock stack; an Error naming the bad argument otherwise. */
export function parseRemoteArgs(argv: string[]): RemoteArgs | undefined {
  let values: { vcd?: string; 'vcd-ca'?: string; 'insecure-tls'?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { vcd: { type: 'string' }, 'vcd-ca': { type: 'string' }, 'insecure-tls': { type: 'boolean' } }, strict: true }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\nusage: ${REMOTE_USAGE}`);
  }
  if (values.vcd === undefined) {
    if (values['vcd-ca'] || values['insecure-tls']) throw new Error(`--vcd-ca and --insecure-tls need --vcd\nusage: ${REMOTE_USAGE}`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(values.vcd);
  } catch {
    throw new Error(`--vcd ${values.vcd} is not a URL: give the vCD's address, e.g. https://vcd.example`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--vcd ${values.vcd} must be an https:// (or http://) URL`);
  if (values['vcd-ca'] && values['insecure-tls']) throw new Error('--vcd-ca and --insecure-tls exclude each other: trust its CA, or (a lab vCD) do not check at all');
  if (values['vcd-ca'] && !existsSync(values['vcd-ca'])) throw new Error(`--vcd-ca ${values['vcd-ca']}: no such file`);
  return { vcdUrl: url.origin, caFile: values['vcd-ca'], insecureTls: values['insecure-tls'] ?? false };
}

/** Why the backend could not join the remote's bus: no EXTENSION token where it looks; undefined when there is one. */
export function tokenProblem(env: Record<string, string | undefined>, vcdUrl: string): string | undefined {
  if (env.VCD_EXTENSION_TOKEN) return undefined;
  const file = env.VCD_EXTENSION_TOKEN_FILE || path.join(env.DATA_DIR || '.data/backend', 'mqtt-extension.token');
  if (existsSync(file)) return undefined;
  return (
    `no EXTENSION token in ${file} for the backend to join ${vcdUrl}'s MQTT bus: register the product there first ` +
    `(VCD_PASSWORD=... npx vcd-serverless deploy --vcd ${vcdUrl} --user administrator@System --token-file ${file}), or set VCD_EXTENSION_TOKEN`
  );
}
