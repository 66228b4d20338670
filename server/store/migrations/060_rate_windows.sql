-- Rate limits the same on every replica (issue 13, item 4): one fixed-window counter per key (an org's API requests,
-- an org's calls, one function's calls) and window start, bumped atomically by INSERT … ON CONFLICT. Every replica
-- on one PostgreSQL counts into the same row, so each answers the same. UNLOGGED: a counter matters for its window
-- only; a PostgreSQL crash empties it, which at worst lets one window's calls through again. Old windows are pruned.
CREATE UNLOGGED TABLE rate_windows (
  key           text    NOT NULL,
  window_start  bigint  NOT NULL,
  hits          integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_windows_start ON rate_windows (window_start);
