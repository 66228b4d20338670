import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Decision, Rule } from '../../contract/autoscale';
import { isUniqueViolation, type Db } from '../store/db';
import type { RuleStore } from './store';

/** One scale action of a rule, as the executor carries it out. */
export interface Action {
  id: string;
  org: string;
  rule: Rule;
  kind: 'scaleOut' | 'scaleIn';
  seq: number;
  /** Set when resuming: the VM the interrupted action was working on. */
  vmName?: string | null;
  /** The decision that started it (lifecycle hooks get it); absent when resumed. */
  decision?: Decision;
}

/**
 * The executor's journal: a running row per rule in autoscale_actions (unique, so one action per rule at a time), its
 * steps, its end, each also an event of the rule.
 */
export class ActionJournal {
  constructor(private readonly deps: { db: Db; rules: RuleStore; log: Logger }) {}

  async claim(org: string, rule: Rule, kind: Action['kind']): Promise<Action | null> {
    const id = randomUUID();
    try {
      const { rows } = await this.deps.db.query<{ seq: number }>(
        `INSERT INTO autoscale_actions (id, org, rule_id, kind, status, seq)
         SELECT $1, $2, $3, $4, 'running', COALESCE(MAX(seq), 0) + 1 FROM autoscale_actions WHERE org = $2 AND rule_id = $3
         RETURNING seq`,
        [id, org, rule.id, kind],
      );
      return { id, org, rule, kind, seq: Number(rows[0].seq) };
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  async step(action: Action, name: string, data: Record<string, unknown> = {}): Promise<void> {
    await Promise.all([
      this.deps.db.query(`UPDATE autoscale_actions SET steps = steps || $3::jsonb WHERE org = $1 AND id = $2`, [
        action.org,
        action.id,
        JSON.stringify([{ step: name, at: new Date().toISOString(), ...data }]),
      ]),
      this.deps.rules.addEvent(action.org, action.rule.id, { kind: 'step', message: name, data: { action: action.id, ...data } }),
    ]);
  }

  async finish(action: Action, error: string | null, vm: { name?: string; id?: string; ip?: string | null } = {}): Promise<void> {
    await this.deps.db.query(
      `UPDATE autoscale_actions SET status = $3, error = $4, vm_name = COALESCE($5, vm_name), vm_id = COALESCE($6, vm_id), ip_address = COALESCE($7, ip_address), finished_at = now()
       WHERE org = $1 AND id = $2`,
      [action.org, action.id, error ? 'failed' : 'succeeded', error, vm.name ?? null, vm.id ?? null, vm.ip ?? null],
    );
    const message = error ? `${action.kind} failed: ${error}` : `${action.kind} done${vm.name ? `: ${vm.name}` : ''}`;
    await this.deps.rules.addEvent(action.org, action.rule.id, { kind: error ? 'error' : 'result', message, data: { action: action.id, ...vm } });
    this.deps.log[error ? 'warn' : 'info']({ org: action.org, rule: action.rule.id, action: action.kind, vm: vm.name, error }, 'autoscale action finished');
  }
}
