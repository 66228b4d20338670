-- Async calls (issue 13): X-Invocation-Type: Event queues the call here and answers 202 at once. A replica claims a
-- job with FOR UPDATE SKIP LOCKED and a lease (lease_until); a replica killed mid-run leaves the lease to expire
-- and the job is claimed again. A job's outcome and its activation row are written in one transaction, so a job
-- that finished is never run again. Dead letters are the jobs in status 'dead', until re-driven or deleted.
ALTER TABLE functions ADD COLUMN async jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE activations ADD COLUMN attempt integer;

CREATE TABLE function_async_jobs (
  id            text        PRIMARY KEY,
  org           text        NOT NULL,
  name          text        NOT NULL,
  -- 'async': an X-Invocation-Type: Event call; 'event': a vCD notification that reached a function still building.
  trigger       text        NOT NULL CHECK (trigger IN ('async', 'event')),
  event         jsonb       NOT NULL,
  request_id    text        NOT NULL,
  status        text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
  -- Attempts made so far (a claim counts one), and how many it may make in all (a re-drive raises it).
  attempts      integer     NOT NULL DEFAULT 0,
  max_attempts  integer     NOT NULL,
  run_after     timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  lease_owner   text,
  lease_until   timestamptz,
  -- A destination's call does not fire destinations of its own (no loops between two functions).
  chained       boolean     NOT NULL DEFAULT false,
  last_error    jsonb,
  accepted_at   timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  finished_at   timestamptz,
  FOREIGN KEY (org, name) REFERENCES functions (org, name) ON DELETE CASCADE
);
CREATE INDEX function_async_jobs_due ON function_async_jobs (run_after) WHERE status IN ('queued', 'running');
CREATE INDEX function_async_jobs_dead ON function_async_jobs (org, name, finished_at) WHERE status = 'dead';
CREATE INDEX function_async_jobs_done ON function_async_jobs (finished_at) WHERE status = 'done';
