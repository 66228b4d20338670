-- Autoscale (issue 5): rules per org, their decision history (stabilization window) and an event timeline per rule.
CREATE TABLE autoscale_rules (
  id          text        PRIMARY KEY,
  org         text        NOT NULL,
  name        text        NOT NULL,
  spec        jsonb       NOT NULL,
  enabled     boolean     NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org, name)
);

-- What the decision engine must remember between evaluations: the last scale action and recent raw recommendations.
CREATE TABLE autoscale_state (
  rule_id          text        PRIMARY KEY REFERENCES autoscale_rules (id) ON DELETE CASCADE,
  org              text        NOT NULL,
  last_scale_at    timestamptz,
  recommendations  jsonb       NOT NULL DEFAULT '[]'
);

CREATE TABLE autoscale_events (
  id       bigserial   PRIMARY KEY,
  org      text        NOT NULL,
  rule_id  text        NOT NULL REFERENCES autoscale_rules (id) ON DELETE CASCADE,
  at       timestamptz NOT NULL DEFAULT now(),
  kind     text        NOT NULL CHECK (kind IN ('alert', 'decision', 'step', 'result', 'error')),
  message  text        NOT NULL,
  data     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX autoscale_events_rule ON autoscale_events (org, rule_id, id DESC);
