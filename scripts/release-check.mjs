// `npm test`'s release (issue 17): the real `npm run release` once, as the first build step (it builds
// dist/plugin.zip, which the suites use, and the backend image, whose tarball the image test loads instead of
// building it again), then its output checked: checksums verify, the SBOM is CycloneDX, plugin.zip has the
// package's version and the same bytes when packed again. Sizes and timings go into the summary.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';

const seconds = (t0) => Math.round((performance.now() - t0) / 100) / 10;

/** Runs `npm run release -- --out <results>/release`; `run` is test.mjs's echoing runner. */
export async function runRelease(run, { root, results }) {
  const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const t0 = performance.now();
  const { code, output } = await run('npm', ['run', '--silent', 'release', '--', '--out', path.join(results, 'release')]);
  const dir = path.join(results, 'release', version);
  return { code, output, version, dir, seconds: seconds(t0), imageTar: path.join(dir, 'backend-image.tar') };
}

/** The release suite: one passed check per property of the release, a failed one naming what is wrong. */
export async function checkRelease(run, rel, { results }) {
  const checks = [];
  const check = (name, fn) => {
    try {
      const problem = fn();
      checks.push(problem ? { name, ok: false, problem } : { name, ok: true });
    } catch (err) {
      checks.push({ name, ok: false, problem: err.message.split('\n')[0] });
    }
  };
  check('npm run release exits 0', () => (rel.code === 0 ? undefined : `exit ${rel.code}`));
  const file = (name) => path.join(rel.dir, name);
  check('SHA256SUMS lists the four files and sha256sum -c verifies them', () => {
    const r = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: rel.dir, encoding: 'utf8' });
    const ok = (r.stdout.match(/: OK$/gm) ?? []).length;
    return r.status === 0 && ok === 4 ? undefined : `sha256sum -c: exit ${r.status}, ${ok} of 4 OK ${r.stderr.trim()}`;
  });
  check('the SBOM is CycloneDX with components', () => {
    const sbom = JSON.parse(readFileSync(file('sbom.cdx.json'), 'utf8'));
    return sbom.bomFormat === 'CycloneDX' && sbom.components?.length > 0 ? undefined : `bomFormat ${sbom.bomFormat}, ${sbom.components?.length ?? 0} components`;
  });
  check("plugin.zip's manifest has the package's version", () => {
    const v = JSON.parse(new AdmZip(file('plugin.zip')).getEntry('manifest.json').getData().toString('utf8')).version;
    return v === rel.version ? undefined : `manifest version ${v}, package ${rel.version}`;
  });
  const t0 = performance.now();
  const again = await run('npm', ['run', '--silent', 'release', '--', '--no-build', '--no-image', '--out', path.join(results, 'release-again')]);
  rel.againSeconds = seconds(t0);
  check('plugin.zip has the same bytes when the release is packed again', () => {
    if (again.code !== 0) return `the second release exited ${again.code}`;
    const second = readFileSync(path.join(results, 'release-again', rel.version, 'plugin.zip'));
    return second.equals(readFileSync(file('plugin.zip'))) ? undefined : 'the two plugin.zip differ';
  });
  const failed = checks.filter((c) => !c.ok);
  return { passed: checks.length - failed.length, failed: failed.length, note: failed.map((c) => `${c.name}: ${c.problem}`).join('; ') || undefined };
}

/** The summary's release lines: each file's size, each step's time, and what the check added. */
export function releaseLines(rel) {
  if (!rel) return [];
  const sizes = [...rel.output.matchAll(/^ {2}(\S+) +([\d.]+ MB) +sha256/gm)].map((m) => `${m[1]} ${m[2]}`);
  const timings = /^ {2}timings: (.*)$/m.exec(rel.output)?.[1];
  return [
    `release ${rel.version}: ${sizes.join(', ') || 'no files'}`,
    `release timings: ${timings ?? 'none printed'} (npm run release ${rel.seconds}s in all; the reproducibility re-pack ${rel.againSeconds ?? '-'}s; ` +
      `the image test loads ${existsSync(rel.imageTar) ? 'this backend-image.tar' : 'no release image and builds its own'})`,
  ];
}
