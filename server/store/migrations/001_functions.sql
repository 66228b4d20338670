-- Functions of an org. `org` is the vCD org name (lower-cased): the key every tenant URL carries.
CREATE TABLE functions (
  org         text        NOT NULL,
  name        text        NOT NULL,
  version     integer     NOT NULL DEFAULT 1,
  runtime     text        NOT NULL,
  code        text        NOT NULL,
  trigger     jsonb       NOT NULL,
  route       text        NOT NULL,
  memory_mb   integer     NOT NULL,
  timeout_ms  integer     NOT NULL,
  status      text        NOT NULL CHECK (status IN ('initializing', 'ready', 'failed')),
  error       jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org, name)
);

-- One function per route in an org: the invoke path must be unambiguous.
CREATE UNIQUE INDEX functions_org_route ON functions (org, route);
CREATE INDEX functions_initializing ON functions (status) WHERE status = 'initializing';
