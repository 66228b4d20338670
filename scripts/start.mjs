#!/usr/bin/env node
// `npm start`: build the plugin and the mock portal, then run mock vCD + backend with the plugin installed.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
};

if (!existsSync(path.join(root, 'node_modules/.package-lock.json'))) run('npm', ['ci']);
// A taken port is named (with the variable that moves it) before minutes of builds; then which parts are on.
// `npm start -- --vcd https://vcd.example [--vcd-ca ca.pem | --insecure-tls]`: against a remote vCD (docs/deploy.md).
const args = process.argv.slice(2);
const preflight = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/first-run.ts', ...args], { cwd: root, stdio: 'inherit' });
if (preflight.status !== 0) process.exit(preflight.status ?? 1);
console.log('Building the plugin (dist/plugin.zip) and the mock vCD portal ...');
run('npx', ['ng', 'build', 'plugin'], { env: { ...process.env, NG_CLI_ANALYTICS: 'false' } });
run('npx', ['ng', 'build', 'portal'], { env: { ...process.env, NG_CLI_ANALYTICS: 'false' } });

const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'scripts/serve.ts', ...args], {
  cwd: root,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
