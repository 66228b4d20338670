/**
 * CSV as the product writes it (RFC 4180, CRLF rows), safe to open in a spreadsheet: a cell that a spreadsheet
 * would read as a formula (OWASP CSV injection: it begins with =, +, -, @, tab or CR, also after leading spaces) is
 * prefixed with ' and quoted, so it opens as the text it is. Real numbers (`-12.50`, `1250`) stay numbers.
 */

const NUMBER = /^-?\d+(\.\d+)?$/;
const FORMULA_START = /^[ ]*[=+\-@\t\r]/;
const NEUTRALISED = /^'[ ]*[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers and dates as themselves, text neutralised and quoted where needed. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (NUMBER.test(text)) return text;
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return safe !== text || NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row, without its line end. */
export function csvRow(values: unknown[]): string {
  return values.map(csvCell).join(',');
}

/** A whole document: the header row, the rows, each ended by CRLF. */
export function csvDocument(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map(csvRow).join('\r\n') + '\r\n';
}

/**
 * The text a cell read from a CSV stands for: the ' that csvCell (or another exporter following OWASP's rule) put
 * before a formula lead is taken off again, so the product's own export imports back as the text it was exported
 * from. A ' before anything else is the cell's own and stays.
 */
export function csvText(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}
