import type { Logger } from 'pino';
import { CreateAliasSchema, LIVE_ALIAS, MAX_ALIASES, UpdateAliasSchema } from '../../contract/functions';
import type { AliasList, AliasView, HistoryList, Traffic } from '../../contract/functions';
import { PageQuerySchema } from '../../contract/problem';
import { AliasNameSchema } from '../../contract/aliases';
import { Conflict, Invalid, NotFound, parseOrThrow } from '../errors';
import { trafficOf, type AliasChange, type AliasState, type AliasStore, type ChangeContext } from './alias-store';
import type { FunctionStore } from './store';

export interface FunctionAliasesDeps {
  aliases: AliasStore;
  store: Pick<FunctionStore, 'get'>;
  log: Logger;
  /** Called after an alias of the function changed on this replica (forget cached routes and aliases). */
  changed(org: string, name: string): void;
}

const notFound = (org: string, name: string) => new NotFound(`function "${name}" does not exist in organization "${org}"`);
const noAlias = (name: string, alias: string) => new NotFound(`function "${name}" has no alias "${alias}"`);

/** The view of an alias: live's first version is the function's current one. */
export function toAliasView(name: string, state: AliasState | undefined, alias: string, current: number): AliasView {
  return {
    name: alias,
    function: name,
    traffic: trafficOf(state, current),
    tracksCurrentVersion: alias === LIVE_ALIAS,
    ...(state?.autoRollback ? { autoRollback: state.autoRollback } : {}),
    ...(state ? { updatedAt: state.updatedAt.toISOString() } : {}),
  };
}

/** The alias state a traffic list and an auto rollback make (live keeps no version of its own). */
function stateOf(alias: string, traffic: Traffic, autoRollback: AliasState['autoRollback']): Omit<AliasState, 'updatedAt'> {
  const [stable, canary] = traffic;
  return {
    alias,
    version: alias === LIVE_ALIAS ? null : stable.version,
    canaryVersion: canary?.version ?? null,
    canaryWeight: canary?.weight ?? 0,
    autoRollback,
  };
}

/**
 * Aliases of a function (issue 13, item 3): list, create, change, delete, promote the canary, roll it back, and the
 * history of it all. Every change is one transaction under the function's row lock (AliasStore.change).
 */
export class FunctionAliases {
  constructor(private readonly deps: FunctionAliasesDeps) {}

  async list(org: string, name: string): Promise<AliasList> {
    const fn = await this.deps.store.get(org, name);
    if (!fn) throw notFound(org, name);
    const states = await this.deps.aliases.list(org, name);
    const live = states.find((s) => s.alias === LIVE_ALIAS);
    const others = states.filter((s) => s.alias !== LIVE_ALIAS);
    return { items: [toAliasView(name, live, LIVE_ALIAS, fn.version), ...others.map((s) => toAliasView(name, s, s.alias, fn.version))] };
  }

  async get(org: string, name: string, alias: string): Promise<AliasView> {
    const fn = await this.deps.store.get(org, name);
    if (!fn) throw notFound(org, name);
    const state = await this.deps.aliases.get(org, name, alias);
    if (!state && alias !== LIVE_ALIAS) throw noAlias(name, alias);
    return toAliasView(name, state, alias, fn.version);
  }

  async create(org: string, name: string, body: unknown): Promise<AliasView> {
    const input = parseOrThrow(CreateAliasSchema, body, 'invalid alias');
    return this.apply(org, name, input.name, async (c) => {
      if (input.name === LIVE_ALIAS || c.before) {
        throw new Invalid(`function "${name}" already has an alias "${input.name}"`, [{ path: 'name', message: `alias "${input.name}" is taken` }]);
      }
      const { rows } = await c.tx.query<{ n: number }>('SELECT count(*)::int AS n FROM function_aliases WHERE org = $1 AND name = $2 AND alias <> $3', [org, name, LIVE_ALIAS]);
      if (Number(rows[0]?.n ?? 0) >= MAX_ALIASES) {
        throw new Invalid(`function "${name}" has ${MAX_ALIASES} aliases besides live, the most it may have`, [{ path: 'name', message: `at most ${MAX_ALIASES} aliases` }]);
      }
      await this.checkVersions(c, input.traffic);
      return { kind: 'created', after: stateOf(input.name, input.traffic, input.autoRollback ?? null) };
    });
  }

  /** PUT: new traffic and/or auto rollback; for live, a new first version moves the function's current version. */
  async update(org: string, name: string, alias: string, body: unknown): Promise<AliasView> {
    const input = parseOrThrow(UpdateAliasSchema, body, 'invalid alias');
    // Nothing to change: no history entry for it.
    if (!input.traffic && input.autoRollback === undefined) return this.get(org, name, alias);
    return this.apply(org, name, alias, async (c) => {
      const before = this.existing(c, alias);
      const traffic = input.traffic ?? trafficOf(before, c.fn.version);
      if (input.traffic) await this.checkVersions(c, input.traffic);
      const autoRollback = input.autoRollback === undefined ? (before?.autoRollback ?? null) : input.autoRollback;
      return { kind: 'changed', after: stateOf(alias, traffic, autoRollback), ...(alias === LIVE_ALIAS ? { pointAt: traffic[0].version } : {}) };
    });
  }

  async remove(org: string, name: string, alias: string): Promise<void> {
    if (alias === LIVE_ALIAS) {
      throw new Invalid('the alias live cannot be deleted: a function\'s route, events and schedules call it', [{ path: 'alias', message: 'live cannot be deleted' }]);
    }
    await this.apply(org, name, alias, async (c) => {
      this.existing(c, alias);
      return { kind: 'deleted', after: null };
    });
  }

  /** The canary takes all the traffic (for live: it becomes the function's current version). */
  promote(org: string, name: string, alias: string): Promise<AliasView> {
    return this.apply(org, name, alias, async (c) => {
      const before = this.existing(c, alias);
      const canary = this.canaryOf(before, name, alias);
      await this.checkVersions(c, [{ version: canary, weight: 100 }], 'canary');
      return { kind: 'promoted', after: stateOf(alias, [{ version: canary, weight: 100 }], before?.autoRollback ?? null), ...(alias === LIVE_ALIAS ? { pointAt: canary } : {}) };
    });
  }

  /** The canary's weight goes to 0: every call goes to the stable version again (the canary stays named, to promote later). */
  rollback(org: string, name: string, alias: string): Promise<AliasView> {
    return this.apply(org, name, alias, async (c) => {
      const before = this.existing(c, alias) as AliasState;
      this.canaryOf(before, name, alias);
      return { kind: 'rolled-back', after: { ...before, canaryWeight: 0 } };
    });
  }

  async history(org: string, name: string, query: unknown): Promise<HistoryList> {
    const page = parseOrThrow(PageQuerySchema, query, 'invalid query');
    if (!(await this.deps.store.get(org, name))) throw notFound(org, name);
    return this.deps.aliases.history(org, name, page);
  }

  private async apply(org: string, name: string, alias: string, decide: (c: ChangeContext) => Promise<AliasChange>): Promise<AliasView> {
    parseOrThrow(AliasNameSchema, alias, 'invalid alias');
    const done = await this.deps.aliases.change(org, name, alias, decide);
    if (!done) throw notFound(org, name);
    this.deps.changed(org, name);
    this.deps.log.info({ org, function: name, alias, version: done.fn.version }, 'function alias changed');
    return toAliasView(name, done.after ?? undefined, alias, done.fn.version);
  }

  private existing(c: ChangeContext, alias: string): AliasState | undefined {
    if (!c.before && alias !== LIVE_ALIAS) throw noAlias(c.fn.name, alias);
    return c.before;
  }

  private canaryOf(state: AliasState | undefined, name: string, alias: string): number {
    if (!state?.canaryVersion) throw new Conflict(`alias "${alias}" of function "${name}" has no canary`, [{ path: 'alias', message: 'no canary' }]);
    return state.canaryVersion;
  }

  /** Every version named must exist and be ready (built): 400 naming traffic.N.version otherwise. */
  private async checkVersions(c: ChangeContext, traffic: Traffic, field = 'traffic'): Promise<void> {
    const found = await this.deps.aliases.versionStatus(c.tx, c.fn.org, c.fn.name, traffic.map((t) => t.version));
    traffic.forEach((t, i) => {
      const status = found.get(t.version);
      const path = field === 'traffic' ? `traffic.${i}.version` : field;
      if (!status) throw new Invalid(`function "${c.fn.name}" has no version ${t.version}`, [{ path, message: `version ${t.version} does not exist` }]);
      if (status !== 'ready') throw new Invalid(`version ${t.version} of function "${c.fn.name}" is ${status}, not ready`, [{ path, message: `version ${t.version} is ${status}` }]);
    });
  }
}
