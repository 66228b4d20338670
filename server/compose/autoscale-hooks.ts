import { randomUUID } from 'node:crypto';
import type { HookFunctions } from '../autoscale/hooks';
import { NotFound } from '../errors';
import type { FunctionsService } from '../functions/service';

/** Autoscale's lifecycle hooks call the org's functions through this adapter (autoscale never imports functions). */
export function hookFunctionsOf(functions: Pick<FunctionsService, 'get' | 'invokeHook'>): HookFunctions {
  return {
    async exists(org, name) {
      try {
        await functions.get(org, name);
        return true;
      } catch (err) {
        if (err instanceof NotFound) return false;
        throw err;
      }
    },
    async call(org, name, event) {
      const result = await functions.invokeHook(org, name, event, `autoscale-hook-${randomUUID()}`);
      return { statusCode: result.statusCode, body: result.body, activationId: result.activationId };
    },
  };
}
