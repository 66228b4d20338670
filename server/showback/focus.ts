import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { FOCUS_REQUIRED_COLUMNS } from '../../contract/showback';
import { Invalid, type FieldError } from '../errors';
import { csvText } from '../http/csv';
import type { CostRecord } from './store';

/** Where FOCUS imports are filed: one pseudo-source per org. */
export const FOCUS_SOURCE_ID = 'import:focus';
const MAX_ERRORS = 50;

type Row = Record<string, unknown>;

/** Rows with the file line each starts on (CSV) or its 1-based index (JSON, named "row"). */
function rowsOf(body: unknown, format: 'csv' | 'json'): { rows: { row: Row; line: number }[]; columns: string[] } {
  if (format === 'json') {
    const list = Array.isArray(body) ? body : (body as { rows?: unknown } | null)?.rows;
    if (!Array.isArray(list) || !list.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
      throw new Invalid('a FOCUS JSON import is an array of row objects (or {rows: [...]})', [{ path: '(body)', message: 'must be an array of objects' }]);
    }
    const columns = [...new Set(list.flatMap((r) => Object.keys(r as Row)))];
    return { rows: list.map((row, i) => ({ row: row as Row, line: i + 1 })), columns };
  }
  try {
    const records = parse(String(body), { columns: true, bom: true, skip_empty_lines: true, trim: true, info: true }) as {
      record: Row;
      info: { lines: number };
    }[];
    const header = parse(String(body), { bom: true, to_line: 1 }) as string[][];
    // A cell the product's export neutralised (`'=SUM(…)`) is read as the text it was exported from: a round trip keeps names.
    const text = (row: Row): Row => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? csvText(v) : v]));
    return { rows: records.map((r) => ({ row: text(r.record), line: r.info.lines })), columns: (header[0] ?? []).map((c) => c.trim()) };
  } catch (err) {
    const e = err as { message: string; lines?: number };
    throw new Invalid(`the CSV cannot be read: ${e.message}`, [{ path: `line ${e.lines ?? 1}`, message: e.message }]);
  }
}

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

interface GoodRow {
  billed: number;
  effective?: number;
  quantity?: number;
  currency: string;
  start: Date;
  end: Date;
  service: string;
}

/** A row's cells checked; each bad one is reported through `bad(column, message)`. Undefined when any was bad. */
function checkRow(row: Row, bad: (column: string, message: string) => void): GoodRow | undefined {
  let ok = true;
  const fail = (column: string, message: string) => {
    ok = false;
    bad(column, message);
  };
  const num = (column: string, required: boolean): number | undefined => {
    const v = row[column];
    if (isBlank(v)) {
      if (required) fail(column, 'is required');
      return undefined;
    }
    const n = typeof v === 'number' ? v : Number(String(v));
    if (!Number.isFinite(n)) fail(column, `"${String(v)}" is not a number`);
    return n;
  };
  const date = (column: string): Date | undefined => {
    const v = row[column];
    const d = new Date(String(v ?? ''));
    if (isBlank(v) || !/^\d{4}-\d{2}-\d{2}/.test(String(v)) || Number.isNaN(d.getTime())) {
      fail(column, `"${String(v ?? '')}" is not an ISO 8601 date-time`);
      return undefined;
    }
    return d;
  };
  const billed = num('BilledCost', true);
  const effective = num('EffectiveCost', false);
  const quantity = num('ConsumedQuantity', false);
  const currency = String(row.BillingCurrency ?? '').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) fail('BillingCurrency', `"${String(row.BillingCurrency ?? '')}" is not an ISO 4217 currency code`);
  const start = date('ChargePeriodStart');
  const end = date('ChargePeriodEnd');
  if (start && end && end <= start) fail('ChargePeriodEnd', 'must be after ChargePeriodStart (the end is exclusive)');
  const service = String(row.ServiceName ?? '').trim();
  if (!service) fail('ServiceName', 'is required');
  if (!ok || billed === undefined || !start || !end) return undefined;
  return { billed, effective, quantity, currency, start, end, service };
}

/** The record of a good row; rows alike in every identifying column are told apart by their count (`#n`). */
function recordOf(org: string, row: Row, good: GoodRow, seen: Map<string, number>): CostRecord {
  const { start, end, billed, effective } = good;
  const identity = ['ResourceId', 'ServiceName', 'ChargeCategory', 'ChargeDescription', 'SubAccountId', 'PricingUnit', 'ConsumedUnit']
    .map((c) => String(row[c] ?? ''))
    .concat(start.toISOString(), end.toISOString())
    .join('\u0000');
  const hash = createHash('sha1').update(identity).digest('hex').slice(0, 24);
  const n = (seen.get(hash) ?? 0) + 1;
  seen.set(hash, n);
  const cost = Number.isFinite(effective) && effective !== undefined ? effective : billed;
  // The product's own export (focus-export.ts) names the vApp as a sub account of type vApp, and the metric in x_Metric.
  const vapp = row.SubAccountType === 'vApp' && !isBlank(row.SubAccountId);
  return {
    org,
    sourceId: FOCUS_SOURCE_ID,
    naturalKey: `${hash}#${n}`,
    periodStart: start,
    periodEnd: end,
    resourceKind: String(row.ResourceType ?? ''),
    resourceId: String(row.ResourceId ?? ''),
    resourceName: String(row.ResourceName ?? ''),
    vappId: vapp ? String(row.SubAccountId) : '',
    vappName: vapp ? String(row.SubAccountName ?? '') : '',
    service: good.service,
    metric: String(('x_Metric' in row ? row.x_Metric : row.ChargeCategory) ?? ''),
    quantity: good.quantity ?? 0,
    unit: String(row.ConsumedUnit ?? ''),
    cost: Math.round(cost * 100),
    currency: good.currency,
  };
}

/**
 * A FOCUS 1.x file (CSV text or parsed JSON) → cost records for `org`, or Invalid naming every bad cell as
 * "line N, column X" (JSON: "row N, column X"). Nothing is returned unless every row is good.
 */
export function parseFocus(org: string, body: unknown, format: 'csv' | 'json'): CostRecord[] {
  const { rows, columns } = rowsOf(body, format);
  const missing = FOCUS_REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length) {
    throw new Invalid(`required FOCUS columns are missing: ${missing.join(', ')}`, missing.map((c) => ({ path: `column ${c}`, message: 'required column is missing' })));
  }
  if (!rows.length) throw new Invalid('the file has no rows', [{ path: '(body)', message: 'no rows' }]);
  const where = format === 'csv' ? 'line' : 'row';
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  const records: CostRecord[] = [];
  for (const { row, line } of rows) {
    const good = checkRow(row, (column, message) => {
      if (errors.length < MAX_ERRORS) errors.push({ path: `${where} ${line}, column ${column}`, message });
    });
    // After the first bad row only errors are collected.
    if (good && !errors.length) records.push(recordOf(org, row, good, seen));
  }
  if (errors.length) {
    throw new Invalid(`the FOCUS file has bad rows; nothing was imported: ${errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
  }
  return records;
}
