import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../compose/store';
import type { Part } from '../compose/part';
import { loadConfig } from '../config';
import { declarationOf } from '../http/changes';
import { composeFeatures } from '../main';
import type { Db } from '../store/db';
import { freshStore, type StoreHandle } from '../testing/harness';

/**
 * The audit log records what the routes say they change (server/http/changes.ts). A POST, PUT, PATCH or DELETE
 * route that says nothing would change the product without a trace in the log: this walks the routers of every
 * feature as the composition root builds them and names any such route.
 */

interface RouteLayer {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle?: { stack?: RouteLayer[] };
}

const MUTATING = ['post', 'put', 'patch', 'delete'];

/** Each mutating route of a router (nested routers included) with what it declares. */
function mutatingRoutes(stack: RouteLayer[], mount: string): { route: string; declares: ReturnType<typeof declarationOf>[] }[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods).filter((m) => MUTATING.includes(m));
      const declares = layer.route.stack.map((l) => declarationOf(l.handle)).filter(Boolean);
      return methods.map((m) => ({ route: `${m.toUpperCase()} ${mount}${String(layer.route?.path)}`, declares }));
    }
    return layer.handle?.stack ? mutatingRoutes(layer.handle.stack, mount) : [];
  });
}

describe('every route that changes something says what, for the audit log', () => {
  let store: StoreHandle;
  let db: Db;
  let features: Part[];

  beforeAll(async () => {
    store = await freshStore('pglite');
    const config = loadConfig({}, { ...store.overrides, containerEngine: 'off', port: 0 });
    const log = pino({ level: 'silent' });
    db = await openStore(config, log);
    ({ features } = await composeFeatures({ config, db, log }));
  }, 120_000);

  afterAll(async () => {
    for (const f of features ?? []) await f.close();
    await db?.close();
    await store?.drop();
  });

  it('declares a change or says why it is none, on each POST, PUT, PATCH and DELETE under /api/org/{org}', () => {
    const routes = features.flatMap((f) => f.tenantRoutes ?? []).flatMap((m) => mutatingRoutes((m.router as unknown as { stack: RouteLayer[] }).stack, m.path));
    // The walk found the feature routes (a walk that sees none would pass anything).
    expect(routes.map((r) => r.route)).toEqual(expect.arrayContaining(['POST /faas/functions', 'DELETE /autoscale/rules/:id', 'PUT /showback/ratecard']));
    const silent = routes.filter((r) => r.declares.length !== 1).map((r) => `${r.route} (${r.declares.length} declarations)`);
    expect(silent, 'add changes(...) or noChange(why) from server/http/changes.ts to these routes').toEqual([]);
  });
});
