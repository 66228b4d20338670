-- The audit log (issue 18): one row per successful change, kept AUDIT_RETENTION_DAYS. Who, what, the fields set and
-- (limits) before and after; secrets by name only, never a value.
CREATE TABLE audit_log (
  id          bigserial   PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  -- The org the change is about (lower-cased), '*' for the provider's defaults.
  org         text        NOT NULL,
  actor_user  text        NOT NULL,
  actor_org   text        NOT NULL,
  actor_role  text        NOT NULL CHECK (actor_role IN ('provider', 'tenant')),
  kind        text        NOT NULL,
  action      text        NOT NULL,
  target      text        NOT NULL,
  fields      jsonb       NOT NULL DEFAULT '[]',
  secrets     jsonb,
  before      jsonb,
  after       jsonb
);
CREATE INDEX audit_log_org_at ON audit_log (org, at DESC);
CREATE INDEX audit_log_at ON audit_log (at);
