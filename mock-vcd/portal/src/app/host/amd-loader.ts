/**
 * vCD loads a plugin's bundle.js (webpack `libraryTarget: 'amd'`) with a script tag and a global `define` that
 * resolves the bundle's dependencies from the modules the portal shares. This is that loader, nothing more:
 * no fetching of dependencies, no SystemJS; a name the portal does not provide is a clear error.
 */
type Factory = (...deps: unknown[]) => unknown;
type AmdDefine = ((...args: unknown[]) => void) & { amd: unknown };

interface PendingLoad {
  resolve(module: unknown): void;
  reject(error: Error): void;
  defined: boolean;
}

const pending = new Map<string, PendingLoad>();
const loads = new Map<string, Promise<unknown>>();
let registry: Readonly<Record<string, unknown>> = {};

/** Installs `window.System.registry` and the global `define`; call once, before any bundle runs. */
export function installAmdHost(modules: Readonly<Record<string, unknown>>): void {
  registry = modules;
  const w = window as unknown as { System?: unknown; define?: AmdDefine };
  w.System = { registry: { get: (name: string) => registry[name], has: (name: string) => name in registry } };
  const define = ((...args: unknown[]) => defineModule(args)) as AmdDefine;
  define.amd = true;
  w.define = define;
}

/** Loads an AMD bundle by URL once and resolves with what its factory returned (the module's exports). */
export function loadAmdModule(url: string): Promise<unknown> {
  const absolute = new URL(url, location.href).href;
  let load = loads.get(absolute);
  if (!load) {
    load = injectScript(absolute);
    loads.set(absolute, load);
    load.catch(() => loads.delete(absolute));
  }
  return load;
}

function injectScript(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    const entry: PendingLoad = { resolve, reject, defined: false };
    pending.set(url, entry);
    script.src = url;
    script.async = true;
    script.dataset['plugin'] = url;
    script.onload = () => {
      pending.delete(url);
      if (!entry.defined) reject(new Error(`Plugin bundle ${url} loaded but did not call define()`));
    };
    script.onerror = () => {
      pending.delete(url);
      reject(new Error(`Plugin bundle ${url} could not be loaded`));
    };
    document.head.appendChild(script);
  });
}

function defineModule(args: unknown[]): void {
  const { name, deps, factory } = parseDefineArgs(args);
  const url = (document.currentScript as HTMLScriptElement | null)?.src ?? lastPendingUrl();
  const entry = url ? pending.get(url) : undefined;
  const where = `plugin bundle ${url ?? '(unknown script)'}${name ? ` (module "${name}")` : ''}`;
  try {
    const exports: Record<string, unknown> = {};
    const module = { exports, id: name };
    const missing = deps.filter((dep) => !['exports', 'module', 'require'].includes(dep) && !(dep in registry));
    if (missing.length > 0) {
      throw new Error(
        `The ${where} needs ${missing.map((m) => `"${m}"`).join(', ')}, which the portal does not provide. ` +
          `Provided: ${Object.keys(registry).join(', ')}`,
      );
    }
    const resolved = deps.map((dep) => {
      if (dep === 'exports') return exports;
      if (dep === 'module') return module;
      if (dep === 'require') return requireShared;
      return registry[dep];
    });
    const returned = typeof factory === 'function' ? (factory as Factory)(...resolved) : factory;
    if (entry) {
      entry.defined = true;
      entry.resolve(returned ?? module.exports);
    }
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    console.error(`[portal] ${error.message}`);
    if (entry) {
      entry.defined = true;
      entry.reject(error);
    } else {
      throw error;
    }
  }
}

function requireShared(name: string): unknown {
  if (!(name in registry)) throw new Error(`The portal does not provide module "${name}"`);
  return registry[name];
}

function parseDefineArgs(args: unknown[]): { name?: string; deps: string[]; factory: unknown } {
  const rest = [...args];
  const name = typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
  const deps = Array.isArray(rest[0]) ? (rest.shift() as string[]) : ['require', 'exports', 'module'];
  return { name, deps, factory: rest[0] };
}

function lastPendingUrl(): string | undefined {
  return [...pending.keys()].pop();
}
