-- Autoscale (issue 14): who changed a rule, and how (before → after per field). Kept with the rule, gone with it.
CREATE TABLE autoscale_rule_history (
  id        bigserial   PRIMARY KEY,
  org       text        NOT NULL,
  rule_id   text        NOT NULL REFERENCES autoscale_rules (id) ON DELETE CASCADE,
  at        timestamptz NOT NULL DEFAULT now(),
  action    text        NOT NULL CHECK (action IN ('create', 'update')),
  user_name text        NOT NULL,
  user_org  text        NOT NULL,
  changes   jsonb       NOT NULL DEFAULT '[]'
);
CREATE INDEX autoscale_rule_history_rule ON autoscale_rule_history (org, rule_id, id DESC);
