#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --only invoke.] [-- --growth-10m]`: measures on this machine, prints a table, writes bench/results.json.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
});
child.on('exit', (code) => process.exit(code ?? 1));
