-- Showback's breakdown by vApp read every cost record of the period (217 ms p95 at 1 M rows); a daily rollup per vApp,
-- kept in step in the same statement as the daily and monthly ones (server/showback/store.ts), answers from a few
-- thousand rows instead.
CREATE TABLE showback_daily_vapp (
  org        text   NOT NULL,
  day        date   NOT NULL,
  vapp_id    text   NOT NULL,
  source_id  text   NOT NULL,
  currency   text   NOT NULL,
  vapp_name  text   NOT NULL DEFAULT '',
  cost       bigint NOT NULL,
  PRIMARY KEY (org, day, vapp_id, source_id, currency)
);

INSERT INTO showback_daily_vapp (org, day, vapp_id, source_id, currency, vapp_name, cost)
SELECT org, (period_start AT TIME ZONE 'UTC')::date, vapp_id, source_id, currency, MAX(vapp_name), SUM(cost)
  FROM showback_costs WHERE vapp_id <> ''
 GROUP BY org, (period_start AT TIME ZONE 'UTC')::date, vapp_id, source_id, currency;
