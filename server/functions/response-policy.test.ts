import { describe, expect, it } from 'vitest';
import { BadAnswer } from '../errors';
import { applyResponsePolicy, MAX_ANSWER_HEADER_BYTES, parseHandlerResult, type RawAnswer } from './response-policy';

/** The policy as a pure function; the same attacks over HTTP, AMQP and both runtimes are in server/hardening/. */

const ctx = { functionName: 'shop', org: 'acme', route: 'shop', path: '/api/org/acme/shop/cart' };
const answer = (headers: Record<string, string>, extra: Partial<RawAnswer> = {}): RawAnswer => ({ statusCode: 200, headers, body: 'ok', ...extra });
const faultsOf = (a: RawAnswer): string[] => {
  try {
    applyResponsePolicy(a, ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(BadAnswer);
    return (err as BadAnswer).errors.map((e) => e.path);
  }
  return [];
};

describe('the function response policy', () => {
  it('passes the headers a function may set and its own x- headers, lower-cased', () => {
    const safe = applyResponsePolicy(
      answer({ 'Content-Type': 'text/csv', ETag: '"v1"', 'Cache-Control': 'private, max-age=60', Vary: 'Accept', 'X-Shop-Items': '3' }),
      ctx,
    );
    expect(safe.headers).toEqual({ 'content-type': 'text/csv', etag: '"v1"', 'cache-control': 'private, max-age=60', vary: 'Accept', 'x-shop-items': '3' });
    expect(safe.dropped).toEqual([]);
  });

  it("drops credentials, vCD's and the platform's headers, security headers, framing and public caching, naming each once", () => {
    const safe = applyResponsePolicy(
      answer({
        'Set-Cookie': 'vcloud_session_id=planted; Path=/',
        Authorization: 'Bearer planted',
        'X-VMWARE-VCLOUD-ACCESS-TOKEN': 'planted',
        'x-vcloud-authorization': 'planted',
        'X-Activation-Id': 'someone-elses',
        'x-request-id': 'r',
        'Content-Security-Policy': "default-src * 'unsafe-inline'",
        'X-Frame-Options': 'ALLOWALL',
        'Access-Control-Allow-Origin': '*',
        'Content-Length': '1',
        'Transfer-Encoding': 'chunked',
        Refresh: '0; url=https://evil.example/',
        'Clear-Site-Data': '"*"',
        'X-Accel-Redirect': '/etc/passwd',
        'cache-control': 'public, max-age=3600',
      }),
      ctx,
    );
    expect(safe.headers).toEqual({});
    expect(safe.dropped).toEqual([
      'set-cookie', 'authorization', 'x-vmware-vcloud-access-token', 'x-vcloud-authorization', 'x-activation-id', 'x-request-id',
      'content-security-policy', 'x-frame-options', 'access-control-allow-origin', 'content-length', 'transfer-encoding', 'refresh',
      'clear-site-data', 'x-accel-redirect', 'cache-control',
    ]);
  });

  it("keeps a redirect to a relative path or under the org's own route prefix and drops every other one", () => {
    for (const stays of ['/api/org/acme/shop/done', '/API/ORG/Acme/shop', 'done', '../shop?x=1', '#top', '?step=2', '/api/org/acme/faas/../shop/%2e/x', '?next=/provider']) {
      expect(applyResponsePolicy(answer({ Location: stays }, { statusCode: 302 }), ctx).headers, stays).toEqual({ location: stays });
    }
    const otherHosts = ['https://evil.example/', '//evil.example/', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', 'HTTPS:evil.example', ' //evil.example'];
    // The same host, but vCD's own portals and API, another org's functions, or a path that gets there by resolution.
    const vcdPages = [
      '/provider/administration', '/tenant/acme/vdcs', '/cloudapi/1.0.0/sessions', '/api/sessions', '/api/org/globex/shop', '/api/org/acme',
      '/api/org/acme/../../../provider', '/api/org/acme/%2e%2e/%2E%2E/%2e%2e/cloudapi/1.0.0/users', '/api/org/acme/.%2e/globex/shop',
      '../../../../tenant/acme', '../../globex/shop', '../..', '%2e%2e/%2e%2e/%2e%2e/provider', '/api/org/acme/%2F..%2F..%2Fprovider',
      '/api/org/acme/..%5C..%5Cprovider', '/api/org/acme/shop//evil', 'a//b', '\\api\\org\\acme', '/api/org/acme\\..\\..\\provider',
    ];
    for (const leaves of [...otherHosts, ...vcdPages]) {
      const safe = applyResponsePolicy(answer({ Location: leaves }, { statusCode: 302 }), ctx);
      expect(safe.headers, leaves).toEqual({});
      expect(safe.dropped, leaves).toEqual(['location']);
    }
  });

  it('names every fault of a malformed answer instead of passing it on', () => {
    expect(faultsOf(answer({ 'bad name': 'x' }))).toEqual(['headers["bad name"]']);
    expect(faultsOf(answer({ 'x-note': 'a\r\nSet-Cookie: planted=1' }))).toEqual(['headers["x-note"]']);
    expect(faultsOf(answer({ 'set-cookie': 'a\nb' }))).toEqual(['headers["set-cookie"]']);
    expect(faultsOf(answer({ 'x-nul': 'a\0b', 'x-emoji': '☕' }))).toEqual(['headers["x-nul"]', 'headers["x-emoji"]']);
    expect(faultsOf(answer({ 'Content-Type': 'text/plain', 'content-type': 'text/html' }))).toEqual(['headers["content-type"]']);
    expect(faultsOf(answer({ 'x-big': 'y'.repeat(MAX_ANSWER_HEADER_BYTES) }))).toEqual(['headers']);
    expect(faultsOf(answer(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`x-h${i}`, 'v']))))).toEqual(['headers']);
    for (const statusCode of [100, 199, 407, 600, 1000]) expect(faultsOf(answer({}, { statusCode }))).toEqual(['statusCode']);
    expect(faultsOf(answer({ 'content-type': 'html' }))).toEqual(['headers["content-type"]']);
    expect(faultsOf(answer({ 'content-type': 'text/html' }, { body: { a: 1 } }))).toEqual(['body']);
    expect(faultsOf(answer({ 'content-type': 'application/problem+json' }, { body: { a: 1 } }))).toEqual([]);
    expect(faultsOf(answer({}, { body: [1, 2] }))).toEqual([]);
  });

  it("reads a handler's result with defaults and names a wrong shape", () => {
    expect(parseHandlerResult('shop', { body: 'x' })).toEqual({ statusCode: 200, headers: {}, body: 'x' });
    const fault = (r: unknown) => {
      try {
        parseHandlerResult('shop', r);
      } catch (err) {
        return (err as BadAnswer).errors.map((e) => `${e.path}: ${e.message}`);
      }
      return [];
    };
    expect(fault(null)).toEqual(['(answer): must be an object {statusCode, headers, body}, got null']);
    expect(fault('hi')).toEqual(['(answer): must be an object {statusCode, headers, body}, got string']);
    expect(fault({ statusCode: '200', headers: { 'x-n': 1, ok: 'y' } })).toEqual(['statusCode: must be an integer, got "200"', 'headers["x-n"]: must be a string, got number']);
    expect(fault({ statusCode: 200.5 })).toEqual(['statusCode: must be an integer, got 200.5']);
    expect(fault({ statusCode: null, headers: null })).toEqual(['statusCode: must be an integer, got null', 'headers: must be an object of header names to string values']);
  });
});
