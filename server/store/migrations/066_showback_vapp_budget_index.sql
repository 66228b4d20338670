-- A budget for one vApp reads that vApp's days (server/showback/budget-store.ts dailyInScope). The rollup's key
-- starts (org, day, vapp_id), so the read walked every vApp of every day in range: 265 ms per vApp budget at 10 M
-- usage rows (4 167 vApps) on PGlite (bench growth.*). Keyed by vApp first it reads that vApp's days only.
CREATE INDEX showback_daily_vapp_by_vapp ON showback_daily_vapp (org, vapp_id, day);
