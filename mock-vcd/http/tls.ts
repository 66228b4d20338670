import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface MockTlsFiles {
  /** PEM certificate; self-signed, so it is also the CA file a client trusts (MOCK_VCD_CA_FILE). */
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

const DAY_MS = 86_400_000;
const HOSTS = ['DNS:localhost', 'IP:127.0.0.1', 'IP:0:0:0:0:0:0:0:1'];

/** Whether a certificate on disk can be kept: readable, valid for another day, and for the hosts we serve. */
function reusable(certFile: string, keyFile: string, extraHost: string | undefined): boolean {
  if (!existsSync(certFile) || !existsSync(keyFile)) return false;
  try {
    const cert = new X509Certificate(readFileSync(certFile));
    const san = cert.subjectAltName ?? '';
    return Date.parse(cert.validTo) - Date.now() > DAY_MS && san.includes('IP Address:127.0.0.1') && (!extraHost || san.includes(extraHost));
  } catch {
    return false;
  }
}

/**
 * The mock vCD's HTTPS certificate (issue 12 item 5): made once into `dir` with the system's `openssl` (EC P-256,
 * SAN localhost/127.0.0.1/::1 and the listen host), kept across restarts so a client that trusts it keeps trusting.
 */
export function ensureMockCertificate(dir: string, options: { host?: string } = {}): MockTlsFiles {
  const certFile = path.resolve(dir, 'mock-vcd-cert.pem');
  const keyFile = path.resolve(dir, 'mock-vcd-key.pem');
  const host = options.host && !['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::'].includes(options.host) ? options.host : undefined;
  const extra = host ? (/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`) : undefined;
  if (!reusable(certFile, keyFile, host)) {
    mkdirSync(dir, { recursive: true });
    const san = [...HOSTS, ...(extra ? [extra] : [])].join(',');
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256', '-days', '365',
          '-subj', '/CN=mock-vcd', '-addext', `subjectAltName=${san}`, '-keyout', keyFile, '-out', certFile],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`MOCK_VCD_TLS needs the openssl command to make its certificate: ${stderr || (err as Error).message}`);
    }
    chmodSync(keyFile, 0o600);
  }
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
