-- Showback's breakdown by vApp summed the daily vApp rollup over the range: days x vApps rows, 2.5 s for a whole month
-- at 10 M usage rows (4 167 vApps) on PGlite (bench growth.*). A monthly rollup per vApp, kept in step in the same
-- statement as the others (server/showback/store.ts), answers a range from its months, less the days of those months
-- outside the range (none for a whole month or the month to date), server/showback/queries.ts.
CREATE TABLE showback_monthly_vapp (
  org        text   NOT NULL,
  month      date   NOT NULL,
  vapp_id    text   NOT NULL,
  source_id  text   NOT NULL,
  currency   text   NOT NULL,
  vapp_name  text   NOT NULL DEFAULT '',
  cost       bigint NOT NULL,
  PRIMARY KEY (org, month, vapp_id, source_id, currency)
);

INSERT INTO showback_monthly_vapp (org, month, vapp_id, source_id, currency, vapp_name, cost)
SELECT org, date_trunc('month', day)::date, vapp_id, source_id, currency, MAX(vapp_name), SUM(cost)
  FROM showback_daily_vapp
 GROUP BY org, date_trunc('month', day)::date, vapp_id, source_id, currency;
