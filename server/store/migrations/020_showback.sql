-- Showback (issue 4): cost records written idempotently by (org, source, natural key, period start), with daily and
-- monthly rollups kept in step in the same transaction (server/showback/store.ts). Money is integer minor units.
CREATE TABLE showback_sources (
  id           text        PRIMARY KEY,
  org          text        NOT NULL,
  kind         text        NOT NULL,
  name         text        NOT NULL,
  schedule     text        NOT NULL,
  enabled      boolean     NOT NULL DEFAULT true,
  config       jsonb       NOT NULL DEFAULT '{}',
  -- Set when a run failed, cleared by the next run that succeeds: the data may be missing since then.
  stale_since  timestamptz,
  stale_error  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org, name)
);
CREATE INDEX showback_sources_org ON showback_sources (org);

CREATE TABLE showback_runs (
  id            text        PRIMARY KEY,
  org           text        NOT NULL,
  source_id     text        NOT NULL REFERENCES showback_sources (id) ON DELETE CASCADE,
  trigger       text        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  from_ts       timestamptz NOT NULL,
  to_ts         timestamptz NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  duration_ms   integer,
  rows_read     integer     NOT NULL DEFAULT 0,
  rows_written  integer     NOT NULL DEFAULT 0,
  attempt       integer     NOT NULL DEFAULT 1,
  error         text
);
CREATE INDEX showback_runs_source ON showback_runs (org, source_id, started_at DESC);

CREATE TABLE showback_costs (
  org            text        NOT NULL,
  -- A source id, or "import:focus" for uploaded FOCUS files.
  source_id      text        NOT NULL,
  natural_key    text        NOT NULL,
  period_start   timestamptz NOT NULL,
  period_end     timestamptz NOT NULL,
  resource_kind  text        NOT NULL DEFAULT '',
  resource_id    text        NOT NULL DEFAULT '',
  resource_name  text        NOT NULL DEFAULT '',
  vapp_id        text        NOT NULL DEFAULT '',
  vapp_name      text        NOT NULL DEFAULT '',
  service        text        NOT NULL,
  metric         text        NOT NULL DEFAULT '',
  quantity       double precision NOT NULL DEFAULT 0,
  unit           text        NOT NULL DEFAULT '',
  cost           bigint      NOT NULL,
  currency       text        NOT NULL,
  PRIMARY KEY (org, source_id, natural_key, period_start)
);
CREATE INDEX showback_costs_period ON showback_costs (org, period_start);

-- Rollups by the UTC day / month of period_start.
CREATE TABLE showback_daily (
  org        text   NOT NULL,
  day        date   NOT NULL,
  service    text   NOT NULL,
  source_id  text   NOT NULL,
  currency   text   NOT NULL,
  cost       bigint NOT NULL,
  PRIMARY KEY (org, day, service, source_id, currency)
);

CREATE TABLE showback_monthly (
  org        text   NOT NULL,
  month      date   NOT NULL,
  service    text   NOT NULL,
  source_id  text   NOT NULL,
  currency   text   NOT NULL,
  cost       bigint NOT NULL,
  PRIMARY KEY (org, month, service, source_id, currency)
);

-- The provider's rate card: one row.
CREATE TABLE showback_rate_card (
  id          integer     PRIMARY KEY CHECK (id = 1),
  card        jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
