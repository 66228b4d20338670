#!/usr/bin/env node
// `npm test`: install what the tests need (npm deps, Debian chromium, running PostgreSQL/RabbitMQ),
// run every suite, print each suite's counts and one last line "N passed, N failed, N skipped" over all of them.
// A suite that ran no test at all counts as failed: nothing passes by not running.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { checkRelease, releaseLines, runRelease } from './release-check.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, '.test-results');
const only = process.argv.slice(2); // e.g. `npm test -- backend e2e`

const env = {
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--no-node-snapshot'].filter(Boolean).join(' '),
  CHROME_BIN: process.env.CHROME_BIN || '/usr/bin/chromium',
  NG_CLI_ANALYTICS: 'false',
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
};

function step(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status}); no suite ran.`);
    console.log('0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
}

/** Runs a command, echoing its output, and resolves with {code, output}. */
function run(cmd, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...env, ...extraEnv } });
    let output = '';
    const echo = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

let built = false;
/** `npm run release`'s run (the first build step), when the backend suite or its own check is among those run. */
let rel;

/** A test runner's counts: one that ran no test fails (nothing passes by not running), skipped or not. */
function ranSomething(counts) {
  if (counts.failed > 0 || counts.passed > 0) return counts;
  const note = [counts.note, `no test ran${counts.skipped ? ` (${counts.skipped} skipped)` : ''}: a suite that runs nothing fails`].filter(Boolean).join('; ');
  return { ...counts, failed: 1, note };
}

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

/** Runs Playwright (all specs, or the given ones) and counts its JSON report. */
async function playwright(specs, report, extraEnv = {}) {
  if (!built) return { passed: 0, failed: 1, note: 'the plugin or the portal did not build' };
  const out = path.join(results, report);
  const { code } = await run('npx', ['playwright', 'test', ...specs, '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out, ...extraEnv });
  const r = readJson(out);
  if (!r) return { passed: 0, failed: 1, note: `playwright wrote no results (exit ${code})` };
  const s = r.stats;
  const failed = s.unexpected + (code !== 0 && s.unexpected === 0 ? 1 : 0);
  return ranSomething({ passed: s.expected + s.flaky, failed, skipped: s.skipped, failures: playwrightFailures(r), flaky: s.flaky });
}

/** The specs that failed in a Playwright JSON report, as "file:line title". */
function playwrightFailures(report) {
  const out = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) if (!spec.ok) out.push(`${spec.file}:${spec.line} ${spec.title}`);
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  return out;
}

/** One vitest run (its JSON report in .test-results/<out>) as a suite's counts. */
async function vitest(out, args, extraEnv = {}) {
  const file = path.join(results, out);
  const { code } = await run('npx', ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], extraEnv);
  const r = readJson(file);
  if (!r) return { passed: 0, failed: 1, note: `vitest wrote no results (exit ${code})` };
  const failed = r.numFailedTests + (code !== 0 && r.numFailedTests === 0 ? 1 : 0);
  return ranSomething({ passed: r.numPassedTests, failed, skipped: r.numPendingTests + r.numTodoTests, failures: vitestFailures(r) });
}

/** One suite's counts from several runs of it. */
function sumCounts(...runs) {
  const sum = (key) => runs.reduce((n, r) => n + (r[key] ?? 0), 0);
  const note = runs.map((r) => r.note).filter(Boolean).join('; ');
  return { passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped'), failures: runs.flatMap((r) => r.failures ?? []), ...(note && { note }) };
}

/** The tests (or whole files that failed to load or in a hook) that failed in a vitest JSON report. */
function vitestFailures(report) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const name = path.relative(root, file.name);
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) out.push(`${name} > ${t.fullName}`);
    if (file.status === 'failed' && failedTests.length === 0) out.push(`${name}: ${String(file.message ?? 'failed').split('\n')[0]}`);
  }
  return out;
}

/** Every folder with code of ours; the rules say which may import which. */
const DEPCRUISE_FOLDERS = ['server', 'mock-vcd', 'contract', 'src', 'bin', 'scripts', 'bench', 'e2e', 'podman'];

const suites = [
  {
    name: 'typecheck (tsc over server, mock vCD, scripts, bench, e2e; the plugin is checked by its build)',
    key: 'typecheck',
    async run() {
      const { code } = await run('npm', ['run', '--silent', 'typecheck']);
      return code === 0 ? { passed: 0, failed: 0, note: 'no type errors' } : { passed: 0, failed: 1, note: 'type errors above' };
    },
  },
  {
    name: 'dependency rules (dependency-cruiser: .dependency-cruiser.cjs, the architecture in a page)',
    key: 'deps',
    async run() {
      const { code, output } = await run('npx', ['depcruise', '-c', '.dependency-cruiser.cjs', ...DEPCRUISE_FOLDERS]);
      if (code === 0) return { passed: 0, failed: 0, note: 'no violations' };
      const violations = /(\d+) dependency violations/.exec(output)?.[1];
      return { passed: 0, failed: 1, note: violations ? `${violations} violations above` : `depcruise failed (exit ${code})` };
    },
  },
  {
    name: 'backend + mock vCD (vitest: HTTP on PGlite and PostgreSQL)',
    key: 'backend',
    async run() {
      // The image test loads the backend-image.tar the release wrote instead of building the image again.
      const extraEnv = rel && existsSync(rel.imageTar) ? { VSL_RELEASE_IMAGE_TAR: rel.imageTar } : {};
      // Two workers for most files (on 2 cores vitest's default is one, and each file spends seconds starting up),
      // then the heavy and timing-sensitive ones alone (SERIAL in vitest.config.ts says which and why).
      const parallel = await vitest('vitest.json', ['--project', 'parallel', '--maxWorkers=2'], extraEnv);
      const serial = await vitest('vitest-serial.json', ['--project', 'serial', '--no-file-parallelism'], extraEnv);
      return sumCounts(parallel, serial);
    },
  },
  {
    name: 'release (npm run release, run first as the build: checksums, SBOM, plugin.zip version and reproducible bytes)',
    key: 'release',
    run: () => (rel ? checkRelease(run, rel, { results }) : { passed: 0, failed: 1, note: 'npm run release did not run' }),
  },
  {
    name: 'faults (vitest, one file at a time: backend killed -9, PostgreSQL and RabbitMQ restarted)',
    key: 'faults',
    run: () => vitest('vitest-faults.json', ['-c', 'vitest.faults.config.ts']),
  },
  {
    name: 'plugin (Karma + Jasmine in Chromium)',
    key: 'plugin',
    async run() {
      const { code, output } = await run('npx', ['ng', 'test', 'plugin', '--watch=false', '--progress=false']);
      const executed = [...output.matchAll(/Executed (\d+) of (\d+)(?: \((\d+) FAILED\))?(?: \(skipped (\d+)\))?/g)].pop();
      if (!executed) return { passed: 0, failed: 1, note: `karma reported no totals (exit ${code})` };
      const ran = Number(executed[1]);
      const failedCount = Number(executed[3] ?? 0);
      const failed = failedCount + (code !== 0 && failedCount === 0 ? 1 : 0);
      // Karma's progress reporter names each failed spec on a line "<browser> (<os>) <describe> <it> FAILED".
      const failures = [...new Set([...output.matchAll(/^.*?\(Linux[^)]*\) (.+) FAILED\s*$/gm)].map((m) => m[1]))];
      return ranSomething({ passed: ran - failedCount, failed, skipped: Number(executed[4] ?? 0), failures });
    },
  },
  {
    name: "e2e (Playwright in Chromium: mock portal + backend + dist/plugin.zip, over vCD's MQTT bus)",
    key: 'e2e',
    run: () => playwright([], 'playwright.json', { VCD_TRANSPORT: 'mqtt' }),
  },
  {
    name: "e2e in vCD's AMQP mode (the foundation's path and the deploy CLI: mock vCD → RabbitMQ → backend)",
    key: 'e2e-amqp',
    run: () =>
      playwright(['e2e/functions.spec.ts', 'e2e/deploy.spec.ts'], 'playwright-amqp.json', {
        VCD_TRANSPORT: 'amqp',
        VCD_AMQP_URL: process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      }),
  },
  {
    name: "e2e in HTTP forwarding mode (the foundation's path: the mock's debugging shortcut, vCD ≤ 10.3 style)",
    key: 'e2e-http',
    run: () => playwright(['e2e/functions.spec.ts'], 'playwright-http.json', { VCD_TRANSPORT: 'http' }),
  },
];

/** Issue 7: the hardening suites leave their counts in .test-results; say them beside the totals. */
function hardeningCounts() {
  const lines = [];
  const matrix = readJson(path.join(results, 'tenant-matrix.json'));
  if (matrix) {
    const of = (persona) => Object.values(matrix.byPersona[persona] ?? {}).reduce((n, c) => n + c, 0);
    lines.push(
      `tenant matrix: ${matrix.operations} operations, ${matrix.cells} cells ` +
        `(foreign org ${of('foreign')}, other org's ids ${of('cross-id')}, no token ${of('no-token')}, logged out ${of('logged-out')}, own ${of('own')}, provider ${of('provider')}, unsigned vCD routes ${of('unsigned')})`,
    );
  }
  const fuzz = readJson(path.join(results, 'fuzz.json'));
  if (fuzz) {
    const statuses = Object.entries(fuzz.byStatus).map(([status, n]) => `${n}× ${status}`).join(', ');
    lines.push(`fuzzing: ${fuzz.inputs} bad inputs over ${fuzz.operations} operations, answered ${statuses}`);
  }
  const answers = readJson(path.join(results, 'fuzz-answers.json'));
  if (answers) {
    lines.push(
      `fuzzing (issue 19): ${answers.answers} generated function answers (${answers.served} served, ${answers.refused} refused as 502), ` +
        `${answers.requestHeaders} generated request headers, ${answers.pathParameters} generated path parameters, none a 500`,
    );
  }
  const sandbox = readJson(path.join(results, 'sandbox.json'));
  if (sandbox) lines.push(`sandbox escapes: ${sandbox.attacks} attacks, the host and the other org's function unharmed after each`);
  // One file per store × transport that ran (server/hardening/sandbox.test.ts), each counting its own attacks.
  const combos = ['pglite', 'postgres'].flatMap((store) => ['http', 'amqp', 'mqtt'].map((transport) => `${store}-${transport}`));
  const served = combos.map((c) => [c, readJson(path.join(results, `sandbox-answers-${c}.json`))]).filter(([, r]) => r);
  if (served.length) {
    const each = served.map(([c, r]) => `${r.attacks} ${c}`).join(', ');
    lines.push(
      `sandbox answers (issue 19): ${served.reduce((n, [, r]) => n + r.attacks, 0)} attacks on the vCD origin ` +
        `(runtime × attack × via vCD or direct, per store and transport: ${each}), each answered safely`,
    );
  }
  // Issue 17: axe-core over the plugin's pages in both themes (e2e/a11y.spec.ts).
  const a11y = readJson(path.join(results, 'a11y.json'));
  if (a11y) {
    const c = a11y.counts;
    lines.push(`accessibility (axe-core): ${a11y.pages} plugin pages × ${a11y.themes} themes, ${c.critical} critical, ${c.serious} serious, ${c.moderate} moderate, ${c.minor} minor findings`);
  }
  // Issue 20: one line per fault test (server/testing/ledger.ts reportFault), as the fault suite printed them.
  const faults = path.join(results, 'faults.jsonl');
  if (existsSync(faults)) {
    for (const row of readFileSync(faults, 'utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(row).line);
  }
  return lines;
}

async function main() {
  if (!existsSync(path.join(root, 'node_modules/.package-lock.json'))) step('npm', ['ci']);
  step('bash', ['scripts/ensure-system.sh']);
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });

  // Built once, first: the mock vCD suite installs the real dist/plugin.zip, the e2e suite serves both. With the
  // backend suite, the build is the real `npm run release` (plugin.zip, backend image, SBOM, notes, checksums).
  const releasing = only.length === 0 || only.includes('backend') || only.includes('release');
  console.log(`\n=== build: ${releasing ? 'npm run release (dist/plugin.zip, the backend image, ...)' : 'dist/plugin.zip'} and the mock portal ===\n`);
  if (releasing) rel = await runRelease(run, { root, results });
  const pluginBuilt = existsSync(path.join(root, 'dist/plugin.zip')) && rel?.code === 0 ? true : (await run('npx', ['ng', 'build', 'plugin'])).code === 0;
  built = pluginBuilt && (await run('npx', ['ng', 'build', 'portal'])).code === 0;

  const summary = [];
  if (!built) summary.push({ name: 'build (ng build plugin, ng build portal)', passed: 0, failed: 1 });
  for (const suite of suites.filter((s) => only.length === 0 || only.includes(s.key))) {
    console.log(`\n=== ${suite.name} ===\n`);
    const started = Date.now();
    const counts = await suite.run();
    summary.push({ name: suite.name, ...counts, seconds: Math.round((Date.now() - started) / 1000) });
  }
  console.log('\n=== summary ===');
  for (const s of summary) {
    const extra = [s.skipped ? `${s.skipped} skipped` : '', s.flaky ? `${s.flaky} passed only on a retry` : '', s.note ?? '', s.seconds !== undefined ? `${s.seconds} s` : '']
      .filter(Boolean)
      .join('; ');
    console.log(`${s.name}: ${s.passed} passed, ${s.failed} failed${extra ? ` (${extra})` : ''}`);
    // The CI log keeps only its tail: name what failed here, where it is kept.
    for (const f of (s.failures ?? []).slice(0, 20)) console.log(`  FAILED ${f}`);
  }
  for (const line of [...releaseLines(rel), ...hardeningCounts()]) console.log(line);
  const passed = summary.reduce((n, s) => n + s.passed, 0);
  const failed = summary.reduce((n, s) => n + s.failed, 0);
  const skipped = summary.reduce((n, s) => n + (s.skipped ?? 0), 0);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main();
