import type { OrgLimits, OrgLimitsOverride } from '../../../contract/limits';

/** The numeric limits, in the order the forms and tables show them (the flags come after). */
export const NUMBER_FIELDS = ['memoryMb', 'timeoutMs', 'concurrentCalls', 'callsPerSecond', 'functionCallsPerSecond', 'functions', 'autoscaleMaxVms'] as const;
export const FLAG_FIELDS = ['containerRuntime', 'egress'] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];
export const LIMIT_FIELDS: Array<keyof OrgLimits> = [...NUMBER_FIELDS, ...FLAG_FIELDS];

/** An org's override from the values its form holds: only what differs from the default. */
export function overrideOf(values: OrgLimits, defaults: OrgLimits): OrgLimitsOverride {
  const out: Record<string, unknown> = {};
  for (const key of LIMIT_FIELDS) if (values[key] !== defaults[key]) out[key] = values[key];
  return out as OrgLimitsOverride;
}

/** The fields an override sets, for a table cell (`memoryMb`, `egress`). */
export const overriddenFields = (override: OrgLimitsOverride): Array<keyof OrgLimits> => LIMIT_FIELDS.filter((k) => override[k] !== undefined);
