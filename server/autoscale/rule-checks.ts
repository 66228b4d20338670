import type { RuleInput } from '../../contract/autoscale';
import { Conflict, Invalid, type FieldError } from '../errors';
import { isUniqueViolation } from '../store/db';
import { uuidOf, type VcdInfra } from '../vcd/infra';
import { scheduleIssues } from './schedule';
import type { RuleStore } from './store';
import type { VropsGroups } from './vrops-groups';

export interface RuleCheckDeps {
  store: RuleStore;
  vcd: VcdInfra;
  now: () => number;
  maxVmsOf?: (org: string) => Promise<number>;
  groups?: VropsGroups;
}

/** A rule's checks beyond its schema, each failing with the field it names: create and update run them. */
export class RuleChecks {
  constructor(private readonly deps: RuleCheckDeps) {}

  /** A rule's vROps group must be one of its org's (400 naming vropsGroupId). */
  async vropsGroup(org: string, spec: RuleInput): Promise<void> {
    const issues = spec.vropsGroupId ? ((await this.deps.groups?.check(org, spec.vropsGroupId)) ?? [{ path: 'vropsGroupId', message: 'the provider has configured no vROps' }]) : [];
    if (issues.length > 0) throw new Invalid(`invalid rule: ${issues[0].path} ${issues[0].message}`, issues);
  }

  /** Windows whose cron parses, whose limits fit the rule's and that never overlap (400 naming the field). */
  schedules(spec: RuleInput): void {
    const issues = scheduleIssues(spec, this.deps.now());
    if (issues.length > 0) throw new Invalid(`invalid rule: ${issues[0].path} ${issues[0].message}`, issues);
  }

  /** A rule's maxVms within the provider's autoscaleMaxVms for the org (400 naming the limit). */
  async maxVms(org: string, maxVms: number): Promise<void> {
    const limit = await this.deps.maxVmsOf?.(org);
    if (limit === undefined || maxVms <= limit) return;
    const message = `maxVms ${maxVms} is over this org's limit of ${limit} VMs per rule set by the provider`;
    throw new Invalid(`invalid rule: ${message}`, [{ path: 'maxVms', message }]);
  }

  /** Names are unique, and one rule per vApp: two rules scaling the same vApp would fight over its VM count. */
  async noClash(org: string, spec: RuleInput, self?: string): Promise<void> {
    const vAppUuid = uuidOf(spec.vAppId).toLowerCase();
    const others = (await this.deps.store.clashing(org, { name: spec.name, vAppUuid })).filter((r) => r.id !== self);
    const errors: FieldError[] = [];
    if (others.some((r) => r.name === spec.name)) errors.push({ path: 'name', message: 'is taken' });
    const owner = others.find((r) => r.vAppUuid === vAppUuid);
    if (owner) errors.push({ path: 'vAppId', message: `is scaled by rule "${owner.name}" (${owner.id})` });
    if (errors.length > 0) throw new Conflict(owner ? `the vApp already has the autoscale rule "${owner.name}"` : `a rule named "${spec.name}" exists`, errors);
  }

  /** A unique index lost the race: say which field clashed. */
  conflictOf(err: unknown, spec: RuleInput): unknown {
    if (!isUniqueViolation(err)) return err;
    if (/vapp/i.test(`${err.constraint ?? ''} ${(err as unknown as Error).message ?? ''}`)) {
      return new Conflict('the vApp already has an autoscale rule', [{ path: 'vAppId', message: 'is scaled by another rule' }]);
    }
    return new Conflict(`a rule named "${spec.name}" exists`, [{ path: 'name', message: 'is taken' }]);
  }

  /** vApp, template, edge gateway and pool must exist in vCD and be visible to the caller in this org; each failure names its field. */
  async references(org: string, token: string, spec: RuleInput): Promise<void> {
    const { vcd } = this.deps;
    const [vApp, template, edge] = await Promise.all([vcd.vApp(token, spec.vAppId), vcd.template(token, spec.templateId), vcd.edgeGateway(token, spec.edgeGatewayId)]);
    const errors: FieldError[] = [];
    if (!vApp) errors.push({ path: 'vAppId', message: 'no such vApp in this org' });
    if (!template) errors.push({ path: 'templateId', message: 'no such vApp template in this org' });
    else if (template.vms.length !== 1) errors.push({ path: 'templateId', message: `must hold exactly one VM (it holds ${template.vms.length})` });
    // A provider session sees every org: the edge must still belong to the rule's org.
    if (!edge || (edge.orgName !== null && edge.orgName.toLowerCase() !== org)) errors.push({ path: 'edgeGatewayId', message: 'no such edge gateway in this org' });
    else {
      const pools = (await vcd.pools(token, spec.edgeGatewayId)) ?? [];
      if (!pools.some((p) => p.name === spec.lbPoolName)) errors.push({ path: 'lbPoolName', message: `no load-balancer pool of that name on edge gateway ${edge.name}` });
    }
    if (errors.length > 0) throw new Invalid('the rule names vCD objects that do not exist in this org', errors);
  }
}
