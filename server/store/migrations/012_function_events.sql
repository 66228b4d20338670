-- Event triggers (issue 3): a function subscribed to vCD notifications has no route, so route becomes optional
-- (the unique (org, route) index ignores NULLs). org_uuid is the vCD org's UUID, learned from the session that
-- made the function: notifications name their org by URN only.
ALTER TABLE functions ALTER COLUMN route DROP NOT NULL;
ALTER TABLE function_versions ALTER COLUMN route DROP NOT NULL;
ALTER TABLE functions ADD COLUMN org_uuid text;
CREATE INDEX functions_event_subscribers ON functions (org_uuid) WHERE route IS NULL;

-- One row per (function, notification) that ran: a duplicate delivery of the same eventId runs nothing.
CREATE TABLE function_event_runs (
  org       text        NOT NULL,
  name      text        NOT NULL,
  event_id  text        NOT NULL,
  at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org, name, event_id),
  FOREIGN KEY (org, name) REFERENCES functions (org, name) ON DELETE CASCADE
);
CREATE INDEX function_event_runs_at ON function_event_runs (at);
