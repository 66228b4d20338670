import { HttpSourceConfigSchema } from '../../../contract/showback';
import { Invalid, parseOrThrow } from '../../errors';
import type { BillingSource, Range, SourceSpec } from '../ports';
import type { CostRecord } from '../store';
import { hostAllowed } from '../allowlist';

export { hostAllowed } from '../allowlist';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A dotted path into a JSON value ("" = the value itself). */
function pick(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let v: unknown = value;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export interface HttpSourceOptions {
  /** Hosts a source may call (see hostAllowed); empty = none. */
  allowedHosts: string[];
  /** The answer's size at most, in bytes. */
  maxBytes?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Reads a body up to maxBytes, failing as soon as it grows past it. */
async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new Error(`source answered ${declared} bytes, more than the ${maxBytes} bytes allowed`);
  }
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`source answered more than the ${maxBytes} bytes allowed`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A generic JSON billing endpoint: GET url (with {org}, {from}, {to}), an auth header, and a field mapping. */
export class HttpBillingSource implements BillingSource {
  constructor(private readonly options: HttpSourceOptions) {}

  /** Refuses a URL outside the allowlist before anything is stored or fetched. */
  check(spec: Pick<SourceSpec, 'config'>): void {
    const config = parseOrThrow(HttpSourceConfigSchema, spec.config, 'invalid source config', ['config']);
    const url = new URL(config.url.replace(/\{(org|from|to)\}/g, 'x'));
    if (!hostAllowed(url, this.options.allowedHosts)) {
      throw new Invalid(`HTTP billing sources may not call ${url.host}: the provider allows ${this.allowedText()}`, [
        { path: 'config.url', message: `host ${url.host} is not in the allowed hosts (SHOWBACK_HTTP_ALLOWED_HOSTS)` },
      ]);
    }
  }

  private allowedText(): string {
    const list = this.options.allowedHosts.map((h) => h.trim()).filter(Boolean);
    return list.length ? list.join(', ') : 'no host';
  }

  async collect(spec: SourceSpec, range: Range): Promise<CostRecord[]> {
    this.check(spec);
    const config = parseOrThrow(HttpSourceConfigSchema, spec.config, 'invalid source config', ['config']);
    const url = config.url
      .replaceAll('{org}', encodeURIComponent(spec.org))
      .replaceAll('{from}', day(range.from))
      .replaceAll('{to}', day(range.to));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (config.authHeader) headers[config.authHeader.name] = config.authHeader.value;
    const body = await this.fetchJson(url, headers);
    const m = config.mapping;
    const found = pick(body, m.items);
    const items = !m.items && !Array.isArray(found) ? pick(found, 'items') : found;
    if (!Array.isArray(items)) throw new Error(`mapping.items "${m.items}" is not an array in the answer`);
    const topCurrency = text(pick(body, 'currency'));
    return items.flatMap((item, i): CostRecord[] => {
      const start = new Date(text(pick(item, m.start)));
      const end = new Date(text(pick(item, m.end)));
      const rawCost = Number(pick(item, m.cost));
      const id = text(pick(item, m.id));
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || !Number.isFinite(rawCost) || !id) {
        throw new Error(`item ${i}: id, start, end and cost must be present (check the field mapping)`);
      }
      if (start < range.from || start >= range.to) return [];
      return [
        {
          org: spec.org,
          sourceId: spec.id,
          naturalKey: id,
          periodStart: start,
          periodEnd: end,
          resourceKind: text(pick(item, m.vappId)) ? 'vapp' : '',
          resourceId: text(pick(item, m.resourceId)),
          resourceName: text(pick(item, m.resourceName)),
          vappId: text(pick(item, m.vappId)),
          vappName: text(pick(item, m.vappName)),
          service: text(pick(item, m.service)) || 'other',
          quantity: Number(pick(item, m.quantity)) || 0,
          unit: text(pick(item, m.unit)),
          cost: m.costInMajorUnits ? Math.round(rawCost * 100) : Math.round(rawCost),
          currency: (text(pick(item, m.currency)) || topCurrency || 'EUR').toUpperCase(),
        },
      ];
    });
  }

  /** The source's answer as JSON; every failure says what went wrong (the run's error). */
  private async fetchJson(url: string, headers: Record<string, string>): Promise<unknown> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const signal = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      // A redirect could lead outside the allowlist: it is an error, not followed.
      res = await (this.options.fetch ?? fetch)(url, { headers, signal, redirect: 'error' });
    } catch (err) {
      if (signal.aborted) throw new Error(`source did not answer within ${timeoutMs} ms`);
      const cause = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
      if (/redirect/i.test(cause?.message ?? '')) throw new Error('source answered with a redirect, which is not followed');
      // A refused connection to a name with several addresses comes as an AggregateError of one error per address.
      throw new Error(`source unreachable: ${cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (err as Error).message}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`source answered HTTP ${res.status}`);
    }
    let body: unknown;
    try {
      const text = await readCapped(res, this.options.maxBytes ?? 20 * 1024 * 1024);
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error('source answered something that is not JSON');
      }
    } catch (err) {
      if (signal.aborted) throw new Error(`source did not answer within ${timeoutMs} ms`);
      throw err;
    }
    return body;
  }
}
