-- Reads kept in memory on PostgreSQL too (issue 16, item 3): each replica keeps an org's rule list and showback
-- summary with the org's mark at the time it read them, and serves them while the mark is unchanged. Every write of
-- those (on any replica) sets a new random mark once it has committed, so a read after a write, on any replica, sees
-- a new mark and goes to the store. Random, not a counter: a mark never comes back, whatever happens to this table.
CREATE TABLE read_marks (
  scope  text NOT NULL,
  org    text NOT NULL,
  mark   uuid NOT NULL,
  PRIMARY KEY (scope, org)
);
