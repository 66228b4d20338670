import {
  LIMIT_FIELDS,
  OrgLimitsOverrideSchema,
  OrgLimitsSchema,
  type DefaultLimitsView,
  type OrgLimits,
  type OrgLimitsList,
  type OrgLimitsOverride,
  type OrgLimitsView,
} from '../../contract/limits';
import { Invalid, NotFound, parseOrThrow } from '../errors';
import { orgKey } from '../http/tenancy';
import { DEFAULT_SCOPE, type LimitsRow, type LimitsStore } from './limits-store';
import type { LimitsChange } from './ports';

export interface LimitsServiceDeps {
  store: LimitsStore;
  /** The default while the provider has set none: the backend's configured maxima. */
  fallback: OrgLimits;
  /**
   * How long this replica answers from its copy of the table. A write here clears the copy at once; another
   * replica's write is seen within this bound (the documented bound: LIMITS_CACHE_TTL_MS, 2 s by default).
   */
  cacheTtlMs: number;
  /** Told of every change after it is stored (the audit log). */
  onChange?: (change: LimitsChange) => Promise<void>;
  now?: () => number;
  /** vCD's org by name with the caller's session: limits are set only for an org vCD knows (a typo is a 404). */
  orgs?: { orgUuid(org: string, token: string): Promise<string | undefined> };
}

/** Who asks: the provider's name for the record, and its vCD session to look the org up with. */
export interface LimitsActor {
  by: string;
  token?: string;
}

/** What a vCD org name may be here: no "*" (the default's key), no path tricks. */
const ORG_NAME = /^[\w][\w.-]{0,127}$/;

const only = (o: OrgLimitsOverride): OrgLimitsOverride =>
  Object.fromEntries(LIMIT_FIELDS.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as OrgLimitsOverride;

/**
 * The provider's per-org limits: a default and overrides, kept in the shared store so every replica enforces the
 * same ones without a restart. Reads are answered from a copy of the whole (small) table refreshed every cacheTtlMs.
 */
export class LimitsService {
  private copy: { rows: Map<string, LimitsRow>; at: number } | undefined;
  private loading: Promise<Map<string, LimitsRow>> | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: LimitsServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The limits the backend enforces for the org: the default with the org's override on top. */
  async effective(org: string): Promise<OrgLimits> {
    const rows = await this.rows();
    return { ...this.defaultOf(rows), ...only(rows.get(orgKey(org))?.limits ?? {}) };
  }

  async getDefault(): Promise<DefaultLimitsView> {
    const row = (await this.rows()).get(DEFAULT_SCOPE);
    return { limits: this.defaultOf(await this.rows()), updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null };
  }

  async putDefault(body: unknown, by: string): Promise<DefaultLimitsView> {
    const limits = parseOrThrow(OrgLimitsSchema, body, 'invalid limits');
    const before = await this.getDefault();
    await this.write(() => this.deps.store.put(DEFAULT_SCOPE, limits, by));
    const after = await this.getDefault();
    await this.deps.onChange?.({ org: null, by, action: 'update', before: before.limits, after: after.limits });
    return after;
  }

  async list(): Promise<OrgLimitsList> {
    const rows = await this.rows();
    const items = [...rows.values()].filter((r) => r.org !== DEFAULT_SCOPE).map((r) => this.viewOf(r.org, rows));
    return { items, total: items.length };
  }

  /** With a token (the provider naming any org), the org must be one vCD knows; without, it is the caller's own. */
  async getOrg(org: string, token?: string): Promise<OrgLimitsView> {
    const key = this.keyOf(org);
    if (token) await this.mustExist(org, token);
    return this.viewOf(key, await this.rows());
  }

  async putOrg(org: string, body: unknown, { by, token }: LimitsActor): Promise<OrgLimitsView> {
    const key = this.keyOf(org);
    if (token) await this.mustExist(org, token);
    const override = only(parseOrThrow(OrgLimitsOverrideSchema, body, 'invalid limits'));
    const before = await this.getOrg(key);
    await this.write(() => this.deps.store.put(key, override, by));
    const after = await this.getOrg(key);
    await this.deps.onChange?.({ org: key, by, action: 'update', before: before.override, after: after.override });
    return after;
  }

  async removeOrg(org: string, by: string): Promise<void> {
    const key = this.keyOf(org);
    const before = await this.getOrg(key);
    if (!(await this.write(() => this.deps.store.remove(key)))) throw new NotFound(`organization "${org}" has no limits of its own`);
    await this.deps.onChange?.({ org: key, by, action: 'delete', before: before.override, after: null });
  }

  private async mustExist(org: string, token: string): Promise<void> {
    if (this.deps.orgs && !(await this.deps.orgs.orgUuid(org, token))) throw new NotFound(`vCD knows no organization "${org}"`);
  }

  private keyOf(org: string): string {
    if (!ORG_NAME.test(org)) throw new Invalid(`"${org}" is not an organization name`, [{ path: 'tenant', message: 'letters, digits, ".", "-" or "_", at most 128' }]);
    return orgKey(org);
  }

  private viewOf(key: string, rows: Map<string, LimitsRow>): OrgLimitsView {
    const row = rows.get(key);
    const override = only(row?.limits ?? {});
    return { org: key, override, effective: { ...this.defaultOf(rows), ...override }, updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null };
  }

  private defaultOf(rows: Map<string, LimitsRow>): OrgLimits {
    return { ...this.deps.fallback, ...only(rows.get(DEFAULT_SCOPE)?.limits ?? {}) };
  }

  /** Writes, then forgets the copy, so this replica's next read sees the write. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.copy = undefined;
      this.loading = undefined;
    }
  }

  private async rows(): Promise<Map<string, LimitsRow>> {
    if (this.copy && this.now() - this.copy.at < this.deps.cacheTtlMs) return this.copy.rows;
    // One read for every caller waiting on the same refresh (many calls at once).
    const loading = (this.loading ??= this.deps.store.all().then((all) => new Map(all.map((r) => [r.org, r]))));
    try {
      const rows = await loading;
      if (this.loading === loading) this.copy = { rows, at: this.now() };
      return rows;
    } finally {
      if (this.loading === loading) this.loading = undefined;
    }
  }
}
