import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';

/**
 * Forwards the browser's vCD calls to a remote vCD as they are: the user's own Authorization, cookies and body go
 * through untouched, nothing is stored. Only what would break a local origin is rewritten on the way back: a
 * Set-Cookie's Domain and Secure (the local portal is plain http on localhost) and absolute Location/Link URLs.
 */

/** The paths that are vCD's, not the local shell's: its APIs, OAuth, the login form post and other plugins' files. */
export const REMOTE_PATHS = /^\/(api|cloudapi|oauth|login\/oauth|plugins|transfer|mock)(\/|$)/;

export interface RemoteTls {
  /** PEM of the CA that signed the remote vCD's certificate (a lab vCD). */
  ca?: string;
  /** The certificate is not checked at all (explicit, warned about). */
  insecure?: boolean;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) are the connection's, never forwarded. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

export function remoteProxy(vcdUrl: string, tls: RemoteTls = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const remote = new URL(vcdUrl);
  const secure = remote.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true, ca: tls.ca, rejectUnauthorized: !tls.insecure }) : new http.Agent({ keepAlive: true });
  return (req, res) => {
    const headers: http.OutgoingHttpHeaders = { host: remote.host };
    for (const [name, value] of Object.entries(req.headers)) if (!HOP.has(name) && value !== undefined) headers[name] = value;
    // vCD checks the Origin of browser calls against its own; the browser's is the local shell's.
    if (headers.origin) headers.origin = remote.origin;
    delete headers.referer;
    const upstream = (secure ? https : http).request(
      { protocol: remote.protocol, hostname: remote.hostname, port: remote.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, localHeaders(answer.headers, remote.origin, `http://${req.headers.host}`));
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => badGateway(res, vcdUrl, err));
    req.pipe(upstream);
  };
}

function localHeaders(headers: http.IncomingHttpHeaders, remoteOrigin: string, localOrigin: string): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (HOP.has(name) || value === undefined) continue;
    if (name === 'set-cookie') out[name] = (value as string[]).map(localCookie);
    else if (name === 'location' || name === 'link') out[name] = String(value).split(remoteOrigin).join(localOrigin);
    else out[name] = value;
  }
  return out;
}

/** The cookie as the local origin can keep it: no Domain (it is localhost's now), no Secure (plain http). */
export function localCookie(cookie: string): string {
  return cookie
    .split(';')
    .filter((part) => !/^\s*(domain|secure)(=|$)/i.test(part))
    .map((part) => (/^\s*samesite\s*=\s*none\s*$/i.test(part) ? ' SameSite=Lax' : part))
    .join(';');
}

function badGateway(res: ServerResponse, vcdUrl: string, err: Error & { code?: string }): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const detail = `The remote vCD ${vcdUrl} cannot be reached: ${err.code ?? err.message}` +
    (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(err.code ?? '') ? ' (give its CA with --vcd-ca <file>, or --insecure-tls for a lab vCD)' : '');
  res.writeHead(502, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status: 502, detail }));
}
