-- Cost anomalies (issue 15): the daily check stores each day whose cost of one service left the band the org's own
-- history expects, once per org, day and service (the unique key decides across replicas and restarts), with its
-- size, the band, and the vApp with the largest share of the excess. Each anomaly raises an alert through the budget
-- alerts' table and outboxes (webhook delivery, function hand-over): an alert row of kind 'cost.anomaly' names its
-- anomaly instead of a budget threshold.
CREATE TABLE showback_anomalies (
  id          text        PRIMARY KEY,
  org         text        NOT NULL,
  day         date        NOT NULL,
  service     text        NOT NULL,
  currency    text        NOT NULL,
  -- Minor units: the day's cost, the baseline (median), the band's edges, cost - expected.
  cost        bigint      NOT NULL,
  expected    bigint      NOT NULL,
  low         bigint      NOT NULL,
  high        bigint      NOT NULL,
  delta       bigint      NOT NULL,
  vapp_id     text,
  vapp_name   text,
  -- The driver vApp's part of delta (minor units).
  vapp_delta  bigint,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org, day, service)
);

-- Where an org's anomaly alerts go: a webhook (signed with the org's webhook secret) and one function subscribed to
-- showback/cost.anomaly (null: every subscribed function).
CREATE TABLE showback_anomaly_settings (
  org            text        PRIMARY KEY,
  webhook_url    text,
  function_name  text,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE showback_alerts ADD COLUMN kind text NOT NULL DEFAULT 'budget.threshold'
  CHECK (kind IN ('budget.threshold', 'cost.anomaly'));
-- One alert per anomaly: the insert that loses the race records nothing. `anomaly` is what the alert says of it
-- (day, service, band, size, driver vApp), so the outboxes' claims return it with the row.
ALTER TABLE showback_alerts ADD COLUMN anomaly_id text UNIQUE;
ALTER TABLE showback_alerts ADD COLUMN anomaly jsonb;
ALTER TABLE showback_alerts ALTER COLUMN budget_id DROP NOT NULL;
ALTER TABLE showback_alerts ALTER COLUMN budget_name DROP NOT NULL;
ALTER TABLE showback_alerts ALTER COLUMN type DROP NOT NULL;
ALTER TABLE showback_alerts ALTER COLUMN percent DROP NOT NULL;
ALTER TABLE showback_alerts ALTER COLUMN threshold DROP NOT NULL;
ALTER TABLE showback_alerts ALTER COLUMN amount DROP NOT NULL;
ALTER TABLE showback_alerts ADD CONSTRAINT showback_alerts_kind_fields CHECK (
  (kind = 'budget.threshold' AND budget_id IS NOT NULL AND type IS NOT NULL AND percent IS NOT NULL AND threshold IS NOT NULL)
  OR (kind = 'cost.anomaly' AND anomaly_id IS NOT NULL)
);
