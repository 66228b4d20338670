/**
 * `npm run release [-- --no-build] [-- --no-image] [-- --out DIR]`: see release.ts. Prints what it wrote, with
 * sizes and the time of each step.
 */
import path from 'node:path';
import { release } from './release';

const args = process.argv.slice(2);
const unknown = args.filter((a, i) => !['--no-build', '--no-image', '--out'].includes(a) && args[i - 1] !== '--out');
if (unknown.length) {
  process.stderr.write(`unknown argument ${unknown[0]}\nusage: npm run release [-- --no-build] [--no-image] [--out DIR]\n`);
  process.exit(2);
}
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const root = path.resolve(__dirname, '../..');
const t0 = performance.now();

release({
  root,
  outDir: out ? path.resolve(out) : undefined,
  build: !args.includes('--no-build'),
  image: !args.includes('--no-image'),
  log: (line) => process.stdout.write(`${line}\n`),
}).then(
  (r) => {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
    const lines = [
      '',
      `release ${r.version} in ${path.relative(process.cwd(), r.dir) || r.dir}:`,
      ...r.files.map((f) => `  ${f.name.padEnd(20)} ${mb(f.bytes).padStart(10)}  sha256 ${f.sha256.slice(0, 16)}…`),
      `  timings: ${Object.entries(r.timings).map(([k, s]) => `${k} ${s}s`).join(', ')}; total ${Math.round((performance.now() - t0) / 1000)}s`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  },
  (err: unknown) => {
    process.stderr.write(`release failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
