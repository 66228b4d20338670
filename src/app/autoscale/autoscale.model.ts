import type {
  Backtest,
  CatalogEdgeGateway,
  CatalogPool,
  CatalogTemplate,
  CatalogVApp,
  DecisionAction,
  DryRun,
  Rule,
  RuleChange,
  RuleCreate,
  RuleEvent,
  RuleMetrics,
  RuleSummary,
  RuleUpdate,
} from '../../../contract/autoscale';
import type { Hooks } from '../../../contract/autoscale-hooks';
import type { ScheduleWindow } from '../../../contract/autoscale-schedule';

/**
 * View types of the autoscale pages and the plain functions between them and the wire (contract/autoscale.ts).
 * Wire ids are vCD URNs; views keep them as they are (the backend accepts them back) and add what pages show.
 */

export interface ScaleThresholds {
  cpuPercent: number;
  memoryPercent: number;
}

export interface LastDecision {
  action: DecisionAction;
  reason: string;
  detail: string;
  current: number;
  desired: number;
  at: Date;
}

export interface AutoscaleRule {
  id: string;
  name: string;
  vAppId: string;
  templateId: string;
  edgeGatewayId: string;
  lbPoolName: string;
  scaleOut: ScaleThresholds;
  scaleIn: ScaleThresholds;
  minVms: number;
  maxVms: number;
  step: number;
  cooldownSeconds: number;
  stabilizationSeconds: number;
  evaluationSeconds: number;
  enabled: boolean;
  /** The vROps custom group the rule keeps its VMs in; null or absent = none. */
  vropsGroupId?: string | null;
  /** Lifecycle hooks that call one of the org's functions; absent when none. */
  hooks?: Hooks;
  /** Time windows that set the VM limits for their span (docs/autoscale-schedules.md); absent when none. */
  schedules?: ScheduleWindow[];
  /** Monthly cost ceiling in minor units (cents) of the org's showback currency; null or absent = none. */
  monthlyCostCeiling?: number | null;
  /** Scale out this many minutes ahead of the load forecast; null or absent = off. */
  scheduleBufferMinutes?: number | null;
  updatedAt: Date;
  lastDecision: LastDecision | null;
}

/** What the wizard collects; the same fields a rule has, before the backend gave it an id. */
export type RuleDraft = Omit<AutoscaleRule, 'id' | 'updatedAt' | 'lastDecision'>;

/** One entry of a wizard picker: a vCD object of the org. */
export interface PickerOption {
  id: string;
  name: string;
  /** A second line: the vDC, the VM count, the member count. */
  detail: string;
  /** vApps and templates: their VM count; pools: their member count. */
  count: number;
  /** False when the object cannot serve a rule (e.g. a template with more than one VM). */
  usable: boolean;
}

export interface RuleEventView {
  id: string;
  at: Date;
  kind: RuleEvent['kind'];
  message: string;
  /** Decision events: what was decided (the message says why). */
  decision: Omit<LastDecision, 'at'> | null;
}

export interface MetricPoint {
  at: Date;
  cpuPercent: number;
  memoryPercent: number;
}

export interface DryRunView {
  action: DecisionAction;
  reason: string;
  detail: string;
  current: number;
  desired: number;
  metrics: { cpuPercent: number; memoryPercent: number; vms: number } | null;
  /** The schedule window open now and the limits it set (null: the rule's own limits). */
  schedule: { name: string; until: Date; minVms: number; maxVms: number } | null;
  /** What the decision costs this month (null: it cannot be priced). */
  cost: DryRun['cost'] | null;
  /** The forecast a rule with scheduleBufferMinutes scales ahead of. */
  ahead: { bufferMinutes: number; at: Date; vms: number; applied: boolean } | null;
}

/** The uuid of a vCD URN, lower-cased: how a rule's vAppId meets a vApp of the picker whatever its spelling. */
export function vcdUuid(id: string): string {
  return id.slice(id.lastIndexOf(':') + 1).replace(/^vapp-/i, '').toLowerCase();
}

export function toAutoscaleRule(wire: Rule | RuleSummary): AutoscaleRule {
  const { createdAt: _created, updatedAt, ...rest } = wire;
  const last = 'lastDecision' in wire ? wire.lastDecision : null;
  return {
    ...(rest as Omit<Rule, 'createdAt' | 'updatedAt'>),
    updatedAt: new Date(updatedAt),
    lastDecision: last ? { action: last.action, reason: last.reason, detail: last.detail, current: last.current, desired: last.desired, at: new Date(last.at) } : null,
  };
}

export function fromRuleDraft(draft: RuleDraft): RuleCreate {
  return {
    name: draft.name.trim(),
    vAppId: draft.vAppId,
    templateId: draft.templateId,
    edgeGatewayId: draft.edgeGatewayId,
    lbPoolName: draft.lbPoolName,
    scaleOut: { cpuPercent: draft.scaleOut.cpuPercent, memoryPercent: draft.scaleOut.memoryPercent },
    scaleIn: { cpuPercent: draft.scaleIn.cpuPercent, memoryPercent: draft.scaleIn.memoryPercent },
    minVms: draft.minVms,
    maxVms: draft.maxVms,
    step: draft.step,
    cooldownSeconds: draft.cooldownSeconds,
    stabilizationSeconds: draft.stabilizationSeconds,
    evaluationSeconds: draft.evaluationSeconds,
    enabled: draft.enabled,
    ...(draft.vropsGroupId !== undefined ? { vropsGroupId: draft.vropsGroupId } : {}),
    ...(draft.hooks ? { hooks: draft.hooks } : {}),
    ...(draft.schedules !== undefined ? { schedules: draft.schedules } : {}),
    ...(draft.monthlyCostCeiling !== undefined ? { monthlyCostCeiling: draft.monthlyCostCeiling } : {}),
    ...(draft.scheduleBufferMinutes !== undefined ? { scheduleBufferMinutes: draft.scheduleBufferMinutes } : {}),
  };
}

export type RuleChanges = RuleUpdate;

export const toVAppOption = (v: CatalogVApp): PickerOption => ({ id: v.id, name: v.name, detail: v.vdcName, count: v.vmCount, usable: true });
export const toTemplateOption = (t: CatalogTemplate): PickerOption => ({ id: t.id, name: t.name, detail: t.catalogName, count: t.vmCount, usable: t.vmCount === 1 });
export const toEdgeOption = (e: CatalogEdgeGateway): PickerOption => ({ id: e.id, name: e.name, detail: e.vdcName, count: 0, usable: true });
export const toPoolOption = (p: CatalogPool): PickerOption => ({ id: p.id, name: p.name, detail: '', count: p.memberCount, usable: p.enabled });

const DECISION_ACTIONS: readonly string[] = ['scaleOut', 'scaleIn', 'none'];

export function toRuleEvent(e: RuleEvent): RuleEventView {
  const d = e.data as Partial<Record<'action' | 'reason' | 'detail' | 'current' | 'desired', unknown>>;
  const decision =
    e.kind === 'decision' && DECISION_ACTIONS.includes(String(d.action))
      ? { action: d.action as DecisionAction, reason: String(d.reason ?? ''), detail: String(d.detail ?? e.message), current: Number(d.current), desired: Number(d.desired) }
      : null;
  return { id: e.id, at: new Date(e.at), kind: e.kind, message: e.message, decision };
}

/** The newest decision among events listed newest first (a rule read alone carries none). */
export function lastDecisionOf(events: RuleEventView[]): LastDecision | null {
  const event = events.find((e) => e.decision !== null);
  return event?.decision ? { ...event.decision, at: event.at } : null;
}

export const toMetricPoints = (m: RuleMetrics): MetricPoint[] =>
  m.items.map((s) => ({ at: new Date(s.at), cpuPercent: s.cpuPercent, memoryPercent: s.memoryPercent }));

/** The forecast's points as the chart draws them (percent over the VMs serving now). */
export const toForecastPoints = (f: { points: { at: number; cpuPercent: number; memoryPercent: number }[] }): MetricPoint[] =>
  f.points.map((p) => ({ at: new Date(p.at), cpuPercent: p.cpuPercent, memoryPercent: p.memoryPercent }));

export const toDryRun = (d: DryRun): DryRunView => ({
  action: d.decision.action,
  reason: d.decision.reason,
  detail: d.decision.detail,
  current: d.decision.current,
  desired: d.decision.desired,
  metrics: d.metrics,
  schedule: d.schedule
    ? { name: d.schedule.name ?? `#${d.schedule.window + 1}`, until: new Date(d.schedule.closesAt), minVms: d.schedule.minVms, maxVms: d.schedule.maxVms }
    : null,
  cost: d.cost ?? null,
  ahead: d.ahead ? { ...d.ahead, at: new Date(d.ahead.at) } : null,
});

/** The wizard's draft of an existing rule (edit mode). */
export function toRuleDraft(rule: AutoscaleRule): RuleDraft {
  const { id: _id, updatedAt: _u, lastDecision: _l, ...draft } = rule;
  return { ...draft, scaleOut: { ...rule.scaleOut }, scaleIn: { ...rule.scaleIn }, ...(rule.schedules ? { schedules: rule.schedules.map((w) => ({ ...w })) } : {}) };
}

/** One entry of a rule's change journal, values as text for the page (null: the field had no value yet). */
export interface RuleChangeView {
  id: string;
  at: Date;
  action: RuleChange['action'];
  user: string;
  userOrg: string;
  changes: { field: string; before: string; after: string }[];
}

const asText = (v: unknown): string => (v === null || v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v));

export const toRuleChange = (c: RuleChange): RuleChangeView => ({
  id: c.id,
  at: new Date(c.at),
  action: c.action,
  user: c.user,
  userOrg: c.userOrg,
  changes: c.changes.map((x) => ({ field: x.field, before: asText(x.before), after: asText(x.after) })),
});

export interface BacktestView {
  from: Date;
  to: Date;
  days: number;
  summary: Backtest['summary'];
  points: { at: Date; cpuPercent: number; memoryPercent: number; vms: number; actualVms: number }[];
  decisions: { at: Date; action: 'scaleOut' | 'scaleIn'; from: number; to: number; detail: string }[];
  /** The VM-hours at the org's rate card (null: they cannot be priced). */
  cost: Backtest['cost'] | null;
}

export const toBacktest = (b: Backtest): BacktestView => ({
  from: new Date(b.from),
  to: new Date(b.to),
  days: b.days,
  summary: b.summary,
  points: b.points.map((p) => ({ ...p, at: new Date(p.at) })),
  decisions: b.decisions.map((d) => ({ at: new Date(d.at), action: d.action, from: d.from, to: d.to, detail: d.detail })),
  cost: b.cost ?? null,
});
