-- Budget alerts that run a function (issue 15): a budget may name one of its org's functions subscribed to
-- showback/budget.threshold as the only one its alerts run; otherwise every subscribed function runs. Each alert
-- keeps the state of that hand-over, claimed like the webhook delivery, so that it happens after a restart and on
-- one replica only; the functions feature's event claims (function_event_runs, keyed by the alert id) keep each
-- function's run single.
ALTER TABLE showback_budgets ADD COLUMN function_name text;

ALTER TABLE showback_alerts ADD COLUMN function_name text;
-- none: alerts recorded before this migration; pending: to hand over (or again, after a refusal); done; failed.
ALTER TABLE showback_alerts ADD COLUMN function_state text NOT NULL DEFAULT 'none'
  CHECK (function_state IN ('none', 'pending', 'done', 'failed'));
ALTER TABLE showback_alerts ADD COLUMN function_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE showback_alerts ADD COLUMN function_next_at timestamptz;
-- The functions that ran (or were queued) with the alert as their event.
ALTER TABLE showback_alerts ADD COLUMN function_runs jsonb NOT NULL DEFAULT '[]';
ALTER TABLE showback_alerts ADD COLUMN function_error text;
CREATE INDEX showback_alerts_function_due ON showback_alerts (function_next_at) WHERE function_state = 'pending';
