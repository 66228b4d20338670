-- Aliases and canary releases (issue 13, item 3). An alias points at one version, or at a stable version and a
-- canary with weights. The alias "live" (what a function's route, events, schedules and queued calls call) keeps no
-- version of its own: its stable version is functions.version, so PUT and rollback move it as before; its row only
-- holds a canary and the automatic rollback. Other aliases keep their version here.
CREATE TABLE function_aliases (
  org             text        NOT NULL,
  name            text        NOT NULL,
  alias           text        NOT NULL,
  version         integer,
  canary_version  integer,
  canary_weight   integer     NOT NULL DEFAULT 0 CHECK (canary_weight BETWEEN 0 AND 100),
  auto_rollback   jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org, name, alias),
  CHECK ((alias = 'live') = (version IS NULL)),
  FOREIGN KEY (org, name) REFERENCES functions (org, name) ON DELETE CASCADE
);

-- What happened to a function's aliases, newest last: who changed the traffic, and an automatic rollback's numbers.
CREATE TABLE function_history (
  id       bigserial   PRIMARY KEY,
  org      text        NOT NULL,
  name     text        NOT NULL,
  alias    text        NOT NULL,
  kind     text        NOT NULL,
  before   jsonb,
  after    jsonb,
  numbers  jsonb,
  at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org, name) REFERENCES functions (org, name) ON DELETE CASCADE
);
CREATE INDEX function_history_by_function ON function_history (org, name, id DESC);

-- Which alias a call came through (its version column says which version served).
ALTER TABLE activations ADD COLUMN alias text;
CREATE INDEX activations_by_alias ON activations (org, function, alias, version, start) WHERE alias IS NOT NULL;
