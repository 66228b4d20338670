/** The bench/results.json shape of DESIGN §9 and the table printed beside it. */
export type Unit = 'ms' | 'req/s' | 'rows/s' | 'KB' | '%' | 'MB' | 'count';

export interface Figure {
  value: number;
  unit: Unit;
  baseline?: number;
  ratio?: number;
  note?: string;
}

export class Figures {
  readonly all: Record<string, Figure> = {};

  add(name: string, figure: Figure): void {
    this.all[name] = { ...figure, value: round(figure.value) };
    const ratio = figure.ratio === undefined ? '' : `  (x${round(figure.ratio)} of ${round(figure.baseline ?? 0)})`;
    process.stdout.write(`  ${name.padEnd(40)} ${String(round(figure.value)).padStart(10)} ${figure.unit}${ratio}\n`);
  }

  table(): string {
    const rows = Object.entries(this.all).map(([name, f]) => [
      name,
      String(f.value),
      f.unit,
      f.baseline === undefined ? '' : String(round(f.baseline)),
      f.ratio === undefined ? '' : String(round(f.ratio)),
      f.note ?? '',
    ]);
    const head = ['figure', 'value', 'unit', 'baseline', 'ratio', 'note'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
  }
}

export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return Number(n.toFixed(digits));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
