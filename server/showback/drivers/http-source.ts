import { HttpSourceConfigSchema } from '../../../contract/showback';
import { parseOrThrow } from '../../errors';
import type { BillingSource, Range, SourceSpec } from '../ports';
import type { CostRecord } from '../store';

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

/** A generic JSON billing endpoint: GET url (with {org}, {from}, {to}), an auth header, and a field mapping. */
export class HttpBillingSource implements BillingSource {
  constructor(private readonly options: { timeoutMs?: number; fetch?: typeof fetch } = {}) {}

  async collect(spec: SourceSpec, range: Range): Promise<CostRecord[]> {
    const config = parseOrThrow(HttpSourceConfigSchema, spec.config, 'invalid source config', ['config']);
    const url = config.url
      .replaceAll('{org}', encodeURIComponent(spec.org))
      .replaceAll('{from}', day(range.from))
      .replaceAll('{to}', day(range.to));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (config.authHeader) headers[config.authHeader.name] = config.authHeader.value;
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new Error(`source unreachable: ${cause ?? (err as Error).message}`);
    }
    if (!res.ok) throw new Error(`source answered HTTP ${res.status}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new Error('source answered something that is not JSON');
    }
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
}
