import type { EnvironmentStatus } from './status';

/**
 * `vcd-serverless diff`: every difference between two environments' status, as lines a person reads. The status is
 * flattened into named facts (plugin version, each API filter, each migration, each rate...) and the facts compared;
 * per-org counts are tenants' data, not the environment's configuration, and are left out.
 */

type Facts = Map<string, string>;

/** Leaves of a JSON value as "a.b.c" → value. */
function leaves(prefix: string, value: unknown, into: Facts): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(`${prefix}.${k}`, v, into);
  } else {
    into.set(prefix, JSON.stringify(value));
  }
}

export function factsOf(s: EnvironmentStatus): Facts {
  const facts: Facts = new Map();
  if (s.plugin) {
    facts.set('plugin', `${s.plugin.name} ${s.plugin.version}`);
    facts.set('plugin status', s.plugin.status);
    facts.set('plugin published to', s.plugin.publishedTo.join(', ') || 'no org');
  }
  for (const r of s.registrations) {
    const key = `${r.transport === 'mqtt' ? 'external service' : 'API extension'} ${r.service}`;
    facts.set(key, r.enabled ? 'enabled' : 'disabled');
    for (const f of r.filters) facts.set(`${key} API filter ${f}`, 'present');
  }
  if ('error' in s.backend) {
    facts.set('backend', 'unreachable');
  } else {
    facts.set('backend version', s.backend.version);
    facts.set('backend transport', s.backend.transport);
    facts.set('backend migration level', String(s.backend.migrations.level));
    for (const m of s.backend.migrations.applied) facts.set(`backend migration ${m}`, 'applied');
  }
  if ('error' in s.rateCard) facts.set('rate card', 'unreadable');
  else leaves('rate card', s.rateCard, facts);
  return facts;
}

/** One line per fact that differs: changed values, and facts only one side has. Empty when the two match. */
export function diffEnvironments(from: EnvironmentStatus, to: EnvironmentStatus): string[] {
  const a = factsOf(from);
  const b = factsOf(to);
  const lines: string[] = [];
  for (const [key, va] of a) {
    const vb = b.get(key);
    if (vb === undefined) lines.push(`${key}: ${va} in --from only`);
    else if (vb !== va) lines.push(`${key}: ${va} -> ${vb}`);
  }
  for (const [key, vb] of b) if (!a.has(key)) lines.push(`${key}: ${vb} in --to only`);
  return lines;
}
