import type { z } from 'zod';
import type { CreateFunctionSchema, UpdateFunctionSchema } from '../../contract/functions';
import type { SecretBox } from './secrets';
import type { NewFunction, VersionContent } from './store';
import { triggersOf } from './triggers';
import { placement } from './views';
import { patchSecrets } from './rules';

/**
 * What a create or an update writes, shaped from the checked input: the new function's row, or the next version
 * from the latest one. Pure apart from sealing the secrets; the service checks limits and names before it stores.
 */

export type CreateInput = z.infer<typeof CreateFunctionSchema>;
type UpdateInput = z.infer<typeof UpdateFunctionSchema>;

/** The row of a new function (version 1); `sizes` are the memory and timeout after the provider's defaults. */
export function newFunction(
  org: string,
  input: CreateInput,
  sizes: { memoryMb: number; timeoutMs: number },
  box: SecretBox,
  orgUuid: string | undefined,
): NewFunction & { secretsOpen: Record<string, string> } {
  const secrets = input.secrets ?? {};
  return {
    org,
    name: input.name,
    runtime: input.runtime,
    ...placement(input.runtime, input.sandbox, input.mode, undefined, input.network?.egress),
    code: input.code,
    ...triggersOf(input),
    ...(orgUuid ? { orgUuid } : {}),
    ...sizes,
    env: input.env ?? {},
    secrets: box.seal(secrets),
    secretNames: Object.keys(secrets).sort(),
    secretsOpen: secrets,
    ...(input.async ? { async: input.async } : {}),
    ...(input.maxConcurrency ? { maxConcurrency: input.maxConcurrency } : {}),
  };
}

/** PUT: the next version, each field given or the latest version's; secrets patched by name. */
export function nextVersion(input: UpdateInput, base: VersionContent, box: SecretBox): VersionContent & { secretsOpen: Record<string, string> } {
  const secrets = patchSecrets(box.open(base.secrets), input.secrets);
  const { trigger, moreTriggers, route } = input.trigger || input.triggers ? triggersOf(input) : base;
  const runtime = input.runtime ?? base.runtime;
  return {
    runtime,
    ...placement(runtime, input.sandbox, input.mode, base, input.network?.egress),
    code: input.code ?? base.code,
    trigger,
    moreTriggers,
    route,
    memoryMb: input.limits?.memoryMb ?? base.memoryMb,
    timeoutMs: input.limits?.timeoutMs ?? base.timeoutMs,
    env: input.env ?? base.env,
    secrets: box.seal(secrets),
    secretNames: Object.keys(secrets).sort(),
    secretsOpen: secrets,
  };
}
