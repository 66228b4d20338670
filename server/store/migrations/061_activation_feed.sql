-- Live logs (issue 13, item 5): a cursor over a function's activations in the order they were written, the same on
-- every replica. seq comes from a sequence when the row is inserted; recorded_at is the inserting transaction's
-- start. A reader takes only rows whose transaction started a moment ago (the feed's settle time), so a row with a
-- lower seq still being committed by another replica is not skipped by a cursor that already moved past it.
ALTER TABLE activations ADD COLUMN seq bigserial;
ALTER TABLE activations ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX activations_feed ON activations (org, function, seq);
