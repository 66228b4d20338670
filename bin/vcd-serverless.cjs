#!/usr/bin/env node
// The provider CLI (bin/cli.ts), run through tsx so the TypeScript sources need no build step.
require('tsx/cjs');
const { runCli } = require('./cli.ts');
const readline = require('node:readline');
const { Writable } = require('node:stream');

function askSecret(prompt) {
  return new Promise((resolve) => {
    process.stderr.write(prompt);
    const muted = new Writable({ write: (_chunk, _enc, done) => done() });
    const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

// Ctrl-C ends a `logs --follow` cleanly (exit 0); a second one exits at once.
const stop = new AbortController();
process.once('SIGINT', () => {
  stop.abort();
  process.once('SIGINT', () => process.exit(130));
});

runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  askSecret: process.stdin.isTTY ? askSecret : undefined,
  signal: stop.signal,
}).then((code) => process.exit(code));
