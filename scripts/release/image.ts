import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BASE_IMAGES, ensureBaseImages } from '../../server/functions/drivers/container/base-images';
import { podmanArgs, podmanEnv, podmanPaths, type PodmanPaths } from '../../server/functions/drivers/container/podman-service';

/**
 * The backend as an OCI image, built by the project's own Podman (.data/podman) from the repo's Containerfile.
 * No registry is reachable, so the base is the local `vcd-serverless/nodejs20` (the host's node and its libraries,
 * the same base container functions use). The image holds no package manager and no shell: production
 * node_modules are installed on the host into a cache keyed by package-lock.json (`npm ci --omit=dev`, scripts
 * off) and the host-built native addon (isolated-vm) copied beside them, then COPY'd in with the sources.
 */
export interface ImageOptions {
  root: string;
  version: string;
  /** The commit (image label) and its time (the image's created time, so a rebuild does not look newer). */
  revision: string;
  created: Date;
  /** Podman's storage (default <root>/.data/podman). */
  podmanDir?: string;
  /** Where the tarball goes; without it the image is only built. */
  saveTo?: string;
  log?: (line: string) => void;
}

export interface BuiltImage {
  name: string;
  id: string;
  tarball?: string;
}

export const imageName = (version: string) => `localhost/vcd-serverless/backend:${version}`;
const LABEL = 'vcd-serverless.release';
/** Packages whose install script builds something the image needs; the host's build is copied. */
const NATIVE = [{ name: 'isolated-vm', built: 'out' }];

const run = promisify(execFile);

/** Podman on the project's storage; `env` adds variables a `-e NAME` passes on without putting values in argv. */
export async function podman(p: PodmanPaths, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run('podman', [...podmanArgs(p), ...args], { env: { ...podmanEnv(p), ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** A release's backend-image.tar loaded into the project's Podman (what a provider's `podman load -i` does). */
export async function loadBackendImage(options: { root: string; tarball: string; podmanDir?: string }): Promise<BuiltImage> {
  const paths = podmanPaths(options.podmanDir ?? path.join(options.root, '.data/podman'));
  const out = await podman(paths, ['load', '-i', options.tarball]);
  const name = /Loaded image(?:\(s\))?: *(\S+)/.exec(out)?.[1];
  if (!name) throw new Error(`podman load -i ${options.tarball} named no image: ${out}`);
  const id = await podman(paths, ['image', 'inspect', '--format', '{{.Id}}', name]);
  return { name, id, tarball: options.tarball };
}

export async function buildBackendImage(options: ImageOptions): Promise<BuiltImage> {
  const log = options.log ?? (() => {});
  const paths = podmanPaths(options.podmanDir ?? path.join(options.root, '.data/podman'));
  const work = path.join(paths.dataDir, '..', 'release');
  if ((await ensureBaseImages(paths, ['nodejs20'])).length) log(`built the base image ${BASE_IMAGES.nodejs20}`);
  const modules = await productionModules(options.root, path.join(work, 'modules'), log);
  // Per build: a release and the image test may build at once.
  const context = stageContext(options.root, path.join(work, `context-${process.pid}-${Date.now()}`), modules);
  try {
    return await buildAndSave(options, paths, context);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

async function buildAndSave(options: ImageOptions, paths: PodmanPaths, context: string): Promise<BuiltImage> {
  const name = imageName(options.version);
  const created = String(Math.floor(options.created.getTime() / 1000));
  await podman(paths, [
    'build', '--pull=never', '--format', 'oci', '--timestamp', created,
    '--build-arg', `BASE=localhost/${BASE_IMAGES.nodejs20}`,
    '--label', `${LABEL}=backend`,
    '--label', `org.opencontainers.image.version=${options.version}`,
    '--label', `org.opencontainers.image.revision=${options.revision}`,
    '-f', path.join(options.root, 'Containerfile'), '-t', name, context,
  ]);
  // The previous build of this tag is left dangling: remove ours only (the label), never other images.
  await podman(paths, ['image', 'prune', '-f', '--filter', `label=${LABEL}=backend`]).catch(() => '');
  const id = await podman(paths, ['image', 'inspect', '--format', '{{.Id}}', name]);
  if (!options.saveTo) return { name, id };
  rmSync(options.saveTo, { force: true });
  await podman(paths, ['save', '--format', 'oci-archive', '-o', options.saveTo, name]);
  return { name, id, tarball: options.saveTo };
}

/** `npm ci --omit=dev` into <cache>/<lock hash>, reused while package-lock.json stays the same. */
async function productionModules(root: string, cache: string, log: (line: string) => void): Promise<string> {
  const lock = readFileSync(path.join(root, 'package-lock.json'));
  let dir = path.join(cache, createHash('sha256').update(lock).digest('hex').slice(0, 16));
  if (existsSync(dir)) return path.join(dir, 'node_modules');
  // Older locks' installs go; this one is made aside and renamed into place, so a concurrent build never sees half.
  if (existsSync(cache)) for (const old of readdirSync(cache).filter((d) => !d.includes('.tmp-'))) rmSync(path.join(cache, old), { recursive: true, force: true });
  const final = dir;
  dir = `${final}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  writeFileSync(path.join(dir, 'package-lock.json'), lock);
  log('installing production dependencies (npm ci --omit=dev) ...');
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  for (const native of NATIVE) {
    const host = path.join(root, 'node_modules', native.name);
    const staged = path.join(dir, 'node_modules', native.name);
    const version = (p: string) => (JSON.parse(readFileSync(path.join(p, 'package.json'), 'utf8')) as { version: string }).version;
    if (version(host) !== version(staged)) throw new Error(`${native.name}: node_modules has ${version(host)}, the lock ${version(staged)}: run npm ci`);
    cpSync(path.join(host, native.built), path.join(staged, native.built), { recursive: true });
  }
  try {
    renameSync(dir, final);
  } catch {
    rmSync(dir, { recursive: true, force: true }); // another build finished the same install first
  }
  return path.join(final, 'node_modules');
}

/** Test code and test-only folders stay out of the image. */
const notTest = (root: string) => (file: string) =>
  !/\.(test|spec)\.ts$|\.testing\.ts$|(^|\/)(testing|faults|hardening)(\/|$)/.test(path.relative(root, file));

/** The build context: app/ (what runs, as /app) and data/ (the volume's mount point, owned by the app user). */
function stageContext(root: string, context: string, modules: string): string {
  rmSync(context, { recursive: true, force: true });
  const app = path.join(context, 'app');
  mkdirSync(path.join(context, 'data'), { recursive: true });
  for (const dir of ['server', 'contract']) cpSync(path.join(root, dir), path.join(app, dir), { recursive: true, filter: notTest(root) });
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.json']) cpSync(path.join(root, file), path.join(app, file));
  cpSync(modules, path.join(app, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  return context;
}
