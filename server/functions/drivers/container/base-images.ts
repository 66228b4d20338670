/**
 * Base images without a registry: vcd-serverless/nodejs20 (the host's node + the libraries ldd lists) and
 * vcd-serverless/python3 (the host's Debian python3 + its stdlib + ldd libs), each a rootfs tar fed to `podman import`.
 * Idempotent and cached: an image is rebuilt only when missing. The runtime builds them on first use;
 * `npx tsx podman/build-base-images.ts [dataDir]` builds them ahead.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { podmanArgs, podmanEnv, type PodmanPaths } from './podman-service';

export const BASE_IMAGES = { nodejs20: 'vcd-serverless/nodejs20', python3: 'vcd-serverless/python3' } as const;
export type BaseRuntime = keyof typeof BASE_IMAGES;

/** Debian's python3 (not a pyenv shim): the real binary and its stdlib directory. */
const PYTHON = existsSync('/usr/bin/python3') ? realpathSync('/usr/bin/python3') : '/usr/bin/python3';
const pyStdlib = (): string =>
  execFileSync(PYTHON, ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
const PY_SKIP = new Set(['test', 'idlelib', 'tkinter', 'turtledemo', 'ensurepip', 'site-packages', 'dist-packages', 'lib2to3', '__pycache__']);

const run = promisify(execFile);

async function podman(p: PodmanPaths, args: string[]): Promise<string> {
  return (await run('podman', [...podmanArgs(p), ...args], { env: podmanEnv(p), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })).stdout;
}

function imageExists(p: PodmanPaths, image: string): Promise<boolean> {
  return podman(p, ['image', 'exists', image]).then(() => true, () => false);
}

/** The shared libraries a binary or .so needs, as absolute host paths. */
function lddLibs(file: string): string[] {
  let out = '';
  try {
    out = execFileSync('ldd', [file], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return [...out.matchAll(/(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

function copyInto(root: string, file: string): void {
  const target = path.join(root, file);
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(file, target, { dereference: true });
}

function baseFiles(root: string): void {
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  mkdirSync(path.join(root, 'tmp'), { recursive: true, mode: 0o1777 });
  mkdirSync(path.join(root, 'app'), { recursive: true });
  mkdirSync(path.join(root, 'run/fn'), { recursive: true });
  writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nfn:x:1000:1000:function:/app:/sbin/nologin\n');
  writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nfn:x:1000:\n');
}

function stageNode(root: string): void {
  const node = process.execPath;
  copyInto(root, node);
  if (node !== '/usr/bin/node') {
    mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    cpSync(node, path.join(root, 'usr/bin/node'));
  }
  for (const lib of lddLibs(node)) copyInto(root, lib);
}

async function stagePython(root: string): Promise<void> {
  copyInto(root, PYTHON);
  cpSync(PYTHON, path.join(root, 'usr/bin/python3'));
  const libs = new Set(lddLibs(PYTHON));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (PY_SKIP.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.so')) lddLibs(full).forEach((l) => libs.add(l));
    }
  };
  const stdlib = pyStdlib();
  walk(stdlib);
  await cp(stdlib, path.join(root, stdlib), {
    recursive: true,
    dereference: true,
    filter: (src) => !PY_SKIP.has(path.basename(src)),
  });
  for (const lib of libs) copyInto(root, lib);
}

/** Builds the missing base images (without blocking the event loop on podman and tar); returns the ones it built. */
export async function ensureBaseImages(p: PodmanPaths, which: BaseRuntime[] = ['nodejs20', 'python3']): Promise<BaseRuntime[]> {
  const built: BaseRuntime[] = [];
  for (const runtime of which) {
    const image = BASE_IMAGES[runtime];
    if (await imageExists(p, image)) continue;
    if (runtime === 'python3' && !existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install python3 (scripts/ensure-system.sh)`);
    const stage = path.join(p.dataDir, 'base', runtime);
    rmSync(stage, { recursive: true, force: true });
    const root = path.join(stage, 'rootfs');
    mkdirSync(root, { recursive: true });
    baseFiles(root);
    if (runtime === 'nodejs20') stageNode(root);
    else await stagePython(root);
    const tar = path.join(stage, 'rootfs.tar');
    await run('tar', ['-C', root, '-cf', tar, '.']);
    await podman(p, ['import', '--change', 'USER=1000', '--change', 'WORKDIR=/app', tar, image]);
    rmSync(stage, { recursive: true, force: true });
    built.push(runtime);
  }
  return built;
}
