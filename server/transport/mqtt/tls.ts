import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import type { MqttTls } from './link';

/**
 * How the backend trusts vCD's certificate: the system's CAs, or a CA file (VCD_CA_FILE) for a lab vCD with its own
 * CA, or, only when asked for explicitly (VCD_INSECURE_TLS=1), not at all, said loudly at start.
 */
export function vcdTls(options: { caFile?: string; insecure: boolean }, warn: (line: string) => void): MqttTls {
  if (options.insecure) {
    warn("VCD_INSECURE_TLS=1: vCD's TLS certificate is NOT checked; a lab setting, never for production");
    return { insecure: true };
  }
  if (!options.caFile) return {};
  try {
    return { ca: readFileSync(options.caFile, 'utf8') };
  } catch (err) {
    throw new Error(`VCD_CA_FILE ${options.caFile} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

const scoped = new Map<string, Agent>();
let installed = false;

/**
 * Makes fetch() to vCD's origin trust what `tls` says (its CA besides the system's, or nothing checked when insecure);
 * every other origin keeps Node's defaults, so a lab CA or the insecure flag never loosens calls to other hosts.
 */
export function trustVcdForFetch(vcdUrl: string, tls: MqttTls): void {
  if (!tls.ca && !tls.insecure) return;
  const origin = new URL(vcdUrl).origin;
  scoped.set(origin, new Agent({ connect: tls.insecure ? { rejectUnauthorized: false } : { ca: [...rootCertificates, tls.ca as string] } }));
  if (installed) return;
  installed = true;
  const fallback = getGlobalDispatcher();
  setGlobalDispatcher(
    new (class extends Dispatcher {
      dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
        const target = scoped.get(new URL(String(options.origin)).origin) ?? fallback;
        return target.dispatch(options, handler);
      }
    })(),
  );
}
