-- Autoscale journal (issue 5): one row per scale action with its steps; at most one running action per rule
-- (the partial unique index is the lock row, on PGlite and PostgreSQL alike).
CREATE TABLE autoscale_actions (
  id           text        PRIMARY KEY,
  org          text        NOT NULL,
  rule_id      text        NOT NULL REFERENCES autoscale_rules (id) ON DELETE CASCADE,
  kind         text        NOT NULL CHECK (kind IN ('scaleOut', 'scaleIn')),
  status       text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  seq          integer     NOT NULL,
  vm_name      text,
  vm_id        text,
  ip_address   text,
  steps        jsonb       NOT NULL DEFAULT '[]',
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE UNIQUE INDEX autoscale_actions_one_running ON autoscale_actions (rule_id) WHERE status = 'running';
CREATE INDEX autoscale_actions_rule ON autoscale_actions (org, rule_id, seq DESC);
