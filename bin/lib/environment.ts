import { readFileSync } from 'node:fs';
import { VcdProviderError } from './vcd-provider';

/**
 * How `status` and `diff` name an environment: a small env file (checked in beside the team's other settings,
 * without secrets), or a vCD URL with --user. The password never sits in the file: VCD_PASSWORD_VAR names the
 * environment variable that holds it (VCD_PASSWORD when unset), as deploy reads it.
 *
 *   VCD_URL=https://vcd.staging.example
 *   VCD_USER=administrator@System
 *   VCD_PASSWORD_VAR=STAGING_VCD_PASSWORD
 *   VCD_CA_FILE=staging-ca.pem        (optional; or VCD_INSECURE_TLS=1)
 */

export interface Environment {
  /** What the user called it (the file or the URL), for messages. */
  label: string;
  vcdUrl: string;
  user: string;
  passwordVar: string;
  caFile?: string;
  insecure: boolean;
}

const KNOWN = new Set(['VCD_URL', 'VCD_USER', 'VCD_PASSWORD_VAR', 'VCD_CA_FILE', 'VCD_INSECURE_TLS']);

/** KEY=VALUE lines; # comments and blank lines skipped; optional quotes around the value. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new VcdProviderError(`${file}:${i + 1}: not KEY=VALUE: "${line}"`);
    if (m[1] === 'VCD_PASSWORD') throw new VcdProviderError(`${file}:${i + 1}: no passwords in an environment file: name the variable that holds it with VCD_PASSWORD_VAR`);
    if (!KNOWN.has(m[1])) throw new VcdProviderError(`${file}:${i + 1}: unknown setting ${m[1]} (known: ${[...KNOWN].join(', ')})`);
    out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  });
  return out;
}

/** An environment from `--env`, `--from` or `--to`: an http(s) URL (with the --user given), else an env file. */
export function resolveEnvironment(spec: string, defaults: { user?: string; caFile?: string; insecure: boolean }): Environment {
  if (/^https?:\/\//i.test(spec)) {
    if (!defaults.user) throw new VcdProviderError(`${spec}: a vCD URL needs --user (or use an env file with VCD_USER)`);
    return { label: spec, vcdUrl: spec.replace(/\/+$/, ''), user: defaults.user, passwordVar: 'VCD_PASSWORD', caFile: defaults.caFile, insecure: defaults.insecure };
  }
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (err) {
    throw new VcdProviderError(`cannot read environment file ${spec}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const env = parseEnvFile(text, spec);
  if (!env.VCD_URL || !env.VCD_USER) throw new VcdProviderError(`${spec} must set VCD_URL and VCD_USER`);
  return {
    label: spec,
    vcdUrl: env.VCD_URL.replace(/\/+$/, ''),
    user: env.VCD_USER,
    passwordVar: env.VCD_PASSWORD_VAR || 'VCD_PASSWORD',
    caFile: env.VCD_CA_FILE || defaults.caFile,
    insecure: ['1', 'true'].includes(env.VCD_INSECURE_TLS ?? '') || defaults.insecure,
  };
}
