import type { Logger } from 'pino';
import type { Rule } from '../../contract/autoscale';
import { VropsGroupCreateSchema, type VropsGroup, type VropsGroupList } from '../../contract/autoscale-vrops';
import { Conflict, Invalid, parseOrThrow, type FieldError } from '../errors';
import { uuidOf, type VcdVAppRef } from '../vcd/infra';
import type { RuleStore } from './store';

/** The provider's vROps as autoscale needs it (the suite-api driver in server/vrops/ implements it). */
export interface VropsPort {
  groups(): Promise<{ id: string; name: string; members: string[] }[]>;
  createGroup(name: string): Promise<{ id: string; name: string; members: string[] } | 'exists'>;
  group(id: string): Promise<{ id: string; name: string; members: string[] } | null>;
  vmResourceId(vmUuid: string): Promise<string | null>;
  addMembers(groupId: string, resourceIds: string[]): Promise<void>;
  setMembers(groupId: string, resourceIds: string[]): Promise<void>;
}

/** vROps knows no vCD org: a tenant's groups carry it in their name, and a tenant sees only its own. */
const prefixOf = (org: string) => `[${org}] `;

/**
 * A rule's vROps custom group: the wizard's list and create, the check of a rule's vropsGroupId, and membership that
 * follows the vApp (a scale out joins, a scale in leaves, reconcile repairs drift). Without a configured vROps
 * (`port` absent) the list is empty and a rule naming a group is a 400.
 */
export class VropsGroups {
  constructor(private readonly deps: { port?: VropsPort; rules: RuleStore; log: Logger }) {}

  get configured(): boolean {
    return this.deps.port !== undefined;
  }

  async list(org: string): Promise<VropsGroupList> {
    const { port } = this.deps;
    if (!port) return { items: [], configured: false };
    const own = (await port.groups()).filter((g) => g.name.startsWith(prefixOf(org)));
    return { items: own.map((g) => this.view(org, g)), configured: true };
  }

  async create(org: string, body: unknown): Promise<VropsGroup> {
    const { name } = parseOrThrow(VropsGroupCreateSchema, body, 'invalid vROps group');
    const port = this.requirePort('name');
    const made = await port.createGroup(prefixOf(org) + name);
    if (made === 'exists') throw new Conflict(`a vROps group named "${name}" exists`, [{ path: 'name', message: 'is taken' }]);
    return this.view(org, made);
  }

  /** A rule's vropsGroupId must name a group of the rule's org (400 naming vropsGroupId). */
  async check(org: string, groupId: string | null | undefined): Promise<FieldError[]> {
    if (!groupId) return [];
    if (!this.deps.port) return [{ path: 'vropsGroupId', message: 'the provider has configured no vROps' }];
    const group = await this.deps.port.group(groupId);
    return group && group.name.startsWith(prefixOf(org)) ? [] : [{ path: 'vropsGroupId', message: 'no such vROps group in this org' }];
  }

  /** After a scale out: the new VM joins the rule's group. */
  async joined(rule: Rule, vmUuid: string): Promise<void> {
    const { port } = this.deps;
    if (!port || !rule.vropsGroupId) return;
    const resource = await port.vmResourceId(uuidOf(vmUuid));
    if (resource) await port.addMembers(rule.vropsGroupId, [resource]);
  }

  /** Before a scale in deletes a VM: it leaves the rule's group (the set of members without it). */
  async leaving(rule: Rule, vmUuid: string): Promise<void> {
    const { port } = this.deps;
    if (!port || !rule.vropsGroupId) return;
    const [group, resource] = await Promise.all([port.group(rule.vropsGroupId), port.vmResourceId(uuidOf(vmUuid))]);
    if (group && resource && group.members.includes(resource)) await port.setMembers(group.id, group.members.filter((m) => m !== resource));
  }

  /**
   * Drift repair on each evaluation: the group holds exactly the vApp's VMs (a VM of the vApp missing from it is added,
   * a member that is no longer in the vApp removed), journalled as a step when something changed.
   */
  async reconcile(org: string, rule: Rule, vApp: VcdVAppRef | null): Promise<{ added: number; removed: number }> {
    const { port } = this.deps;
    if (!port || !rule.vropsGroupId || !vApp) return { added: 0, removed: 0 };
    const group = await port.group(rule.vropsGroupId);
    if (!group) return { added: 0, removed: 0 };
    const wanted = (await Promise.all(vApp.vms.map((vm) => port.vmResourceId(uuidOf(vm.id))))).filter((r): r is string => r !== null);
    const added = wanted.filter((r) => !group.members.includes(r)).length;
    const removed = group.members.filter((m) => !wanted.includes(m)).length;
    if (added + removed === 0) return { added, removed };
    await port.setMembers(group.id, wanted);
    await this.deps.rules.addEvent(org, rule.id, { kind: 'step', message: `vROps group repaired: ${added} VM(s) added, ${removed} removed`, data: { vropsGroupId: group.id, added, removed } });
    return { added, removed };
  }

  private view(org: string, g: { id: string; name: string; members: string[] }): VropsGroup {
    return { id: g.id, name: g.name.slice(prefixOf(org).length), members: g.members.length };
  }

  private requirePort(field: string): VropsPort {
    if (!this.deps.port) throw new Invalid('the provider has configured no vROps', [{ path: field, message: 'vROps is not configured' }]);
    return this.deps.port;
  }
}
