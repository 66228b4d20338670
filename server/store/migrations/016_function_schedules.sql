-- Schedules and several triggers (issue 13, item 2). A function's trigger stays its first trigger (HTTP, event or a
-- schedule); more_triggers holds the schedules beside it. Every replica looks for due ticks; one row per
-- (function, schedule, tick) is the claim, so two replicas never both run a tick: the one whose insert wins queues
-- the run as an async job (trigger 'schedule') in the same transaction. Ticks missed while no backend ran are one
-- 'missed' row (how many, from when), never a burst of runs.
ALTER TABLE functions ADD COLUMN more_triggers jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE function_versions ADD COLUMN more_triggers jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE activations ADD COLUMN tick timestamptz;

ALTER TABLE function_async_jobs DROP CONSTRAINT function_async_jobs_trigger_check;
ALTER TABLE function_async_jobs ADD CONSTRAINT function_async_jobs_trigger_check CHECK (trigger IN ('async', 'event', 'schedule'));

CREATE TABLE function_schedule_ticks (
  org          text        NOT NULL,
  name         text        NOT NULL,
  -- The schedule as "cron|timezone": a new pattern starts its own tick history.
  schedule     text        NOT NULL,
  tick         timestamptz NOT NULL,
  -- run: queued as activation_id; missed: the last of `missed` ticks since missed_from that no backend was up for.
  kind         text        NOT NULL CHECK (kind IN ('run', 'missed')),
  activation_id text,
  missed       integer,
  missed_from  timestamptz,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org, name, schedule, tick),
  FOREIGN KEY (org, name) REFERENCES functions (org, name) ON DELETE CASCADE
);
