import pino from 'pino';
import { openPgDb } from '../store/drivers/pg';
import { Collector } from '../showback/collector';
import { HttpBillingSource } from '../showback/drivers/http-source';

/**
 * A backend process reduced to one showback run, for the test that kills it mid-run:
 * tsx showback-run-child.ts <databaseUrl> <allowedHost> <org> <sourceId> <from> <to>
 */
async function main(): Promise<void> {
  const [databaseUrl, allowedHost, org, sourceId, from, to] = process.argv.slice(2);
  const db = await openPgDb({ databaseUrl });
  const collector = new Collector({ db, drivers: { http: new HttpBillingSource({ allowedHosts: [allowedHost] }) }, log: pino({ level: 'silent' }), maxRetries: 0 });
  const run = await collector.runNow(org, sourceId, { from, to });
  process.stdout.write(`${JSON.stringify(run)}\n`);
  await db.close();
}

void main();
