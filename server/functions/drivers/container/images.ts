import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { BASE_IMAGES } from './base-images';
import { NODE_SERVER, PYTHON_SERVER } from './shims';
import { PYTHON_SYNTAX_CHECK, syntaxErrorOf } from './syntax';
import type { ContainerBuildResult, ContainerFunctionVersion } from './types';

export interface FunctionImagesOptions {
  docker: Docker;
  /** Build contexts are staged below `<dataDir>/ctx`. */
  dataDir: string;
  /** Resolves once the engine answers and the base images exist. */
  ready: () => Promise<void>;
}

/** Image label naming the function (`org/name@`) a version's image was built for. */
const FUNCTION_LABEL = 'vcd-serverless.function';

/** `acme/hello@3:abcd` → `acme/hello@`: the function part of a version key. */
const functionPrefix = (key: string): string => key.slice(0, key.indexOf('@') + 1);

type BuildEvent = { stream?: string; error?: string; errorDetail?: { message?: string } };

/** Writes a version's build context (handler, server, check step, Dockerfile); answers its file names and handler. */
function writeContext(dir: string, fn: ContainerFunctionVersion): { files: string[]; handler: string } {
  const isNode = (fn.runtime ?? 'nodejs20') === 'nodejs20';
  const handler = isNode ? 'handler.js' : 'handler.py';
  const server = isNode ? 'server.js' : 'server.py';
  writeFileSync(path.join(dir, handler), fn.code);
  writeFileSync(path.join(dir, server), isNode ? NODE_SERVER : PYTHON_SERVER);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fn', private: true, main: handler }));
  if (!isNode) writeFileSync(path.join(dir, 'check.py'), PYTHON_SYNTAX_CHECK);
  const check = isNode
    ? ['RUN ["/usr/bin/node", "--check", "/app/handler.js"]']
    : ['COPY check.py /tmp/check.py', 'RUN ["/usr/bin/python3", "/tmp/check.py"]'];
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      `FROM ${BASE_IMAGES[fn.runtime ?? 'nodejs20']}`,
      // Which function the image belongs to, so its superseded versions' images can be found and pruned.
      `LABEL ${FUNCTION_LABEL}=${JSON.stringify(functionPrefix(fn.key))}`,
      `COPY ${handler} ${server} package.json /app/`,
      ...check,
      'USER 1000:1000',
      'WORKDIR /app',
      '',
    ].join('\n'),
  );
  return { files: ['Dockerfile', handler, server, 'package.json', ...(isNode ? [] : ['check.py'])], handler };
}

/**
 * One image per function version, FROM a registry-free base image, tagged by a hash of key, runtime and code (so a
 * restart reuses it); its build runs the syntax check, whose output is the build log. Concurrent builds of one tag
 * share one build; a failed build is tried again next time.
 */
export class FunctionImages {
  private readonly builds = new Map<string, Promise<ContainerBuildResult>>();

  constructor(private readonly options: FunctionImagesOptions) {}

  tagOf(fn: ContainerFunctionVersion): string {
    const hash = createHash('sha256').update(`${fn.key}\0${fn.runtime ?? 'nodejs20'}\0${fn.code}`).digest('hex').slice(0, 24);
    return `vcd-serverless-fn/${hash}`;
  }

  build(fn: ContainerFunctionVersion): Promise<ContainerBuildResult> {
    const tag = this.tagOf(fn);
    let built = this.builds.get(tag);
    if (!built) {
      built = this.buildImage(fn, tag);
      this.builds.set(tag, built);
      built.then((r) => !r.ok && this.builds.delete(tag), () => this.builds.delete(tag));
    }
    return built;
  }

  private async buildImage(fn: ContainerFunctionVersion, tag: string): Promise<ContainerBuildResult> {
    await this.options.ready();
    const { docker } = this.options;
    // Tags are content-addressed: an image left by an earlier run (a restart) is reused as is.
    const cached = await docker
      .getImage(tag)
      .inspect()
      .then(() => true, () => false);
    if (cached) return { ok: true, log: `image ${tag} already built\n`, image: tag };
    const dir = path.join(this.options.dataDir, 'ctx', tag.replace('/', '-'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const { files, handler } = writeContext(dir, fn);
    const log: string[] = [];
    try {
      const stream = (await docker.buildImage({ context: dir, src: files }, { t: tag, networkmode: 'none' } as Docker.ImageBuildOptions)) as NodeJS.ReadableStream;
      const errors: string[] = [];
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(
          stream,
          (err) => (err ? reject(err) : resolve()),
          (event: BuildEvent) => {
            if (event.stream) log.push(event.stream);
            if (event.error) errors.push(event.errorDetail?.message ?? event.error);
          },
        ),
      );
      if (errors.length) return { ok: false, error: syntaxErrorOf(log.join('') || errors.join('\n'), errors.join('\n'), handler), log: log.join('') };
      await docker.getImage(tag).inspect();
      return { ok: true, log: log.join(''), image: tag };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, error: syntaxErrorOf(log.join('') || message, message, handler), log: log.join('') + message };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Tags of the images built for a function (`org/name@`), found by their label: also those of earlier runs. */
  async list(prefix: string): Promise<string[]> {
    await this.options.ready();
    const images = await this.options.docker.listImages({ filters: { label: [`${FUNCTION_LABEL}=${prefix}`] } } as Docker.ListImagesOptions);
    // Podman names them with a registry prefix (docker.io/ or localhost/) and :latest; tagOf has neither.
    const tags = images.flatMap((i) => (i.RepoTags ?? []).map((t) => t.replace(/^(localhost|docker\.io)\//, '').replace(/:latest$/, '')));
    return tags.filter((t) => t.startsWith('vcd-serverless-fn/'));
  }

  /** Removes the images of a function's versions but those kept; an image a container still uses stays. */
  async prune(prefix: string, keep: ContainerFunctionVersion[]): Promise<void> {
    const kept = new Set(keep.map((fn) => this.tagOf(fn)));
    for (const tag of await this.list(prefix)) {
      if (kept.has(tag)) continue;
      this.builds.delete(tag);
      await this.options.docker.getImage(tag).remove().catch(() => undefined);
    }
  }

  /** Removes the images built or reused by this process (tests; images are small layers over the base). */
  async removeAll(): Promise<void> {
    for (const tag of this.builds.keys()) await this.options.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    this.builds.clear();
  }
}
