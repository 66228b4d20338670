-- Immutable versions of a function (issue 3): every create and PUT adds one; the functions row points at the
-- version that serves calls (functions.version) and remembers the one asked for last (latest_version).
-- Secrets are stored sealed (AES-256-GCM, see server/functions/secrets.ts); only their names are plain.
ALTER TABLE functions ADD COLUMN latest_version integer NOT NULL DEFAULT 1;
ALTER TABLE functions ADD COLUMN env jsonb NOT NULL DEFAULT '{}';
ALTER TABLE functions ADD COLUMN secrets text;
ALTER TABLE functions ADD COLUMN secret_names jsonb NOT NULL DEFAULT '[]';

CREATE TABLE function_versions (
  org           text        NOT NULL,
  name          text        NOT NULL,
  version       integer     NOT NULL,
  runtime       text        NOT NULL,
  code          text        NOT NULL,
  trigger       jsonb       NOT NULL,
  route         text        NOT NULL,
  memory_mb     integer     NOT NULL,
  timeout_ms    integer     NOT NULL,
  env           jsonb       NOT NULL DEFAULT '{}',
  secrets       text,
  secret_names  jsonb       NOT NULL DEFAULT '[]',
  status        text        NOT NULL CHECK (status IN ('initializing', 'ready', 'failed')),
  error         jsonb,
  build_log     text        NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org, name, version),
  FOREIGN KEY (org, name) REFERENCES functions (org, name) ON DELETE CASCADE
);
CREATE INDEX function_versions_initializing ON function_versions (status) WHERE status = 'initializing';

INSERT INTO function_versions (org, name, version, runtime, code, trigger, route, memory_mb, timeout_ms, status, error, created_at)
  SELECT org, name, version, runtime, code, trigger, route, memory_mb, timeout_ms, status, error, created_at FROM functions;

-- One record per call; written in batches, pruned by count per function and by age.
CREATE TABLE activations (
  id               text             PRIMARY KEY,
  org              text             NOT NULL,
  function         text             NOT NULL,
  version          integer          NOT NULL,
  trigger          text             NOT NULL,
  start            timestamptz      NOT NULL,
  duration_ms      double precision NOT NULL,
  status           text             NOT NULL,
  cold             boolean          NOT NULL,
  memory_mb        integer          NOT NULL,
  status_code      integer          NOT NULL,
  logs             jsonb            NOT NULL,
  logs_truncated   boolean          NOT NULL
);
CREATE INDEX activations_by_function ON activations (org, function, start DESC);
CREATE INDEX activations_by_start ON activations (start);
