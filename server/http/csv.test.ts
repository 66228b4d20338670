import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument, csvText } from './csv';

/** What a spreadsheet gets from a CSV the product writes: read back with a real CSV parser. */
const cellsOf = (csv: string): string[][] => parse(csv, { relaxQuotes: false }) as string[][];

describe('CSV cells', () => {
  it("prefixes ' to every cell a spreadsheet would run as a formula, and quotes it", () => {
    const formulas = ['=HYPERLINK("http://evil","x")', "=cmd|'/C calc'!A0", '+1+1', '-2+3', '@SUM(A1:A9)', '\t=1', '\r=1', '  =1+1', '-', '=', '@'];
    const [row] = cellsOf(csvDocument(formulas, []));
    expect(row).toEqual(formulas.map((f) => `'${f}`));
    for (const f of formulas) expect(csvCell(f)).toMatch(/^"'/);
  });

  it('keeps real numbers numbers, and other text as it is', () => {
    expect(['-12.50', '1250', '0.25', 12.5, -3, 'mq-api', 'orders queue', '2026-11-30T00:00:00.000Z'].map(csvCell)).toEqual([
      '-12.50', '1250', '0.25', '12.5', '-3', 'mq-api', 'orders queue', '2026-11-30T00:00:00.000Z',
    ]);
    expect(csvCell(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30T00:00:00.000Z');
    expect([null, undefined, NaN].map(csvCell)).toEqual(['', '', '']);
  });

  it('quotes separators, quotes and line breaks so a row stays one row', () => {
    const doc = csvDocument(['a', 'b'], [['billing, queue', 'say "hi"\r\nnext line']]);
    expect(doc).toBe('a,b\r\n"billing, queue","say ""hi""\r\nnext line"\r\n');
    expect(cellsOf(doc)).toEqual([['a', 'b'], ['billing, queue', 'say "hi"\r\nnext line']]);
  });

  it("reads back the text of every neutralised cell, and leaves a ' the cell had of its own", () => {
    const texts = ['=HYPERLINK("http://evil","x")', "=cmd|'/C calc'!A0", '+1+1', '-calls', '@SUM(A1:A9)', '\t=1', '\r=1', '  =1+1', "'quoted", "it's", 'mq-api', '-12.50'];
    const [row] = cellsOf(csvDocument(texts, []));
    expect(row.map(csvText)).toEqual(texts);
    expect(["'quoted", "'", "''=x"].map(csvText)).toEqual(["'quoted", "'", "''=x"]);
  });
});
