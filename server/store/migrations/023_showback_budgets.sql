-- Showback budgets and their alerts (issue 15): a monthly budget per org, optionally for one service or vApp, with
-- thresholds on actual and forecast spend; an alert per threshold and period, kept unique by the store so that two
-- replicas (or a restart) checking the same budget record it once; each webhook delivery attempt is journalled.
CREATE TABLE showback_budgets (
  id              text        PRIMARY KEY,
  org             text        NOT NULL,
  name            text        NOT NULL,
  -- Minor units of currency per calendar month (UTC).
  amount          bigint      NOT NULL CHECK (amount > 0),
  currency        text        NOT NULL,
  service         text,
  vapp_id         text,
  -- [{"type": "actual"|"forecast", "percent": 80}]
  thresholds      jsonb       NOT NULL,
  webhook_url     text,
  -- Set by the provider: the tenant reads it but may not change or delete it.
  provider_owned  boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org, name)
);

CREATE TABLE showback_alerts (
  id               text        PRIMARY KEY,
  org              text        NOT NULL,
  -- No foreign key: an alert outlives its budget (it happened).
  budget_id        text        NOT NULL,
  budget_name      text        NOT NULL,
  period           text        NOT NULL,
  type             text        NOT NULL CHECK (type IN ('actual', 'forecast')),
  percent          double precision NOT NULL,
  threshold        bigint      NOT NULL,
  value            bigint      NOT NULL,
  amount           bigint      NOT NULL,
  currency         text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  webhook_url      text,
  delivery_state   text        NOT NULL CHECK (delivery_state IN ('none', 'pending', 'delivered', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  last_error       text,
  -- Once per threshold per period: the insert that loses this race records nothing.
  UNIQUE (budget_id, period, type, percent)
);
CREATE INDEX showback_alerts_org ON showback_alerts (org, created_at DESC);
CREATE INDEX showback_alerts_due ON showback_alerts (next_attempt_at) WHERE delivery_state = 'pending';

CREATE TABLE showback_alert_deliveries (
  alert_id     text        NOT NULL REFERENCES showback_alerts (id) ON DELETE CASCADE,
  attempt      integer     NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  url          text        NOT NULL,
  status       integer,
  error        text,
  duration_ms  integer     NOT NULL,
  PRIMARY KEY (alert_id, attempt)
);

-- The org's webhook signing secret, sealed with the backend's secrets key; shown once when made.
CREATE TABLE showback_webhook_secrets (
  org         text        PRIMARY KEY,
  sealed      text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
