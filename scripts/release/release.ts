import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildBackendImage } from './image';
import { releaseNotes } from './notes';
import { packPluginZip } from './plugin-zip';

/**
 * `npm run release`: everything a provider installs, from one commit, into release/<version>/ —
 * plugin.zip (deterministic), backend-image.tar (OCI archive), sbom.cdx.json (CycloneDX, production deps),
 * RELEASE-NOTES.md, and SHA256SUMS over all of them (`sha256sum -c SHA256SUMS` checks a copy).
 */
export interface ReleaseOptions {
  root: string;
  /** Default <root>/release. */
  outDir?: string;
  /** false: pack the dist/plugin.zip already built instead of running `ng build plugin`. */
  build?: boolean;
  /** The builder's zip to pack (default <root>/dist/plugin.zip). */
  distZip?: string;
  /** false: no backend image (a machine without Podman). */
  image?: boolean;
  podmanDir?: string;
  log?: (line: string) => void;
}

export interface ReleaseResult {
  version: string;
  dir: string;
  files: { name: string; bytes: number; sha256: string }[];
  /** Seconds per step. */
  timings: Record<string, number>;
}

export const ARTIFACTS = { plugin: 'plugin.zip', image: 'backend-image.tar', sbom: 'sbom.cdx.json', notes: 'RELEASE-NOTES.md', sums: 'SHA256SUMS' };

const run = promisify(execFile);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export async function release(options: ReleaseOptions): Promise<ReleaseResult> {
  const { root } = options;
  const log = options.log ?? (() => {});
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const git = (args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const revision = git(['rev-parse', 'HEAD']);
  // Every time in the release is the commit's: SOURCE_DATE_EPOCH (reproducible-builds.org) may say another.
  const created = new Date(1000 * Number(process.env.SOURCE_DATE_EPOCH || git(['log', '-1', '--format=%ct'])));
  const dir = path.join(options.outDir ?? path.join(root, 'release'), version);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    log(`${name} ...`);
    const t0 = performance.now();
    const result = await fn();
    timings[name] = Math.round((performance.now() - t0) / 100) / 10;
    return result;
  };

  if (options.build !== false) {
    await step('plugin build', () => run('npx', ['ng', 'build', 'plugin'], { cwd: root, env: { ...process.env, NG_CLI_ANALYTICS: 'false' }, maxBuffer: 64 * 1024 * 1024 }));
  }
  await step('plugin zip', async () => {
    const zip = await packPluginZip({ zip: readFileSync(options.distZip ?? path.join(root, 'dist/plugin.zip')), version, mtime: created });
    writeFileSync(path.join(dir, ARTIFACTS.plugin), zip);
  });
  await step('sbom', async () => {
    const { stdout } = await run('npm', ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(path.join(dir, ARTIFACTS.sbom), stdout);
  });
  await step('release notes', async () => writeFileSync(path.join(dir, ARTIFACTS.notes), releaseNotes({ cwd: root, version, date: created })));
  if (options.image !== false) {
    await step('backend image', () =>
      buildBackendImage({ root, version, revision, created, podmanDir: options.podmanDir, saveTo: path.join(dir, ARTIFACTS.image), log }),
    );
  }
  const files = writeChecksums(dir);
  return { version, dir, files, timings };
}

/** SHA256SUMS in sha256sum's format (two spaces, sorted names), then the list with sizes. */
function writeChecksums(dir: string): ReleaseResult['files'] {
  const files = readdirSync(dir)
    .filter((name) => name !== ARTIFACTS.sums)
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      return { name, bytes: statSync(file).size, sha256: sha256(readFileSync(file)) };
    });
  writeFileSync(path.join(dir, ARTIFACTS.sums), files.map((f) => `${f.sha256}  ${f.name}\n`).join(''));
  return files;
}
