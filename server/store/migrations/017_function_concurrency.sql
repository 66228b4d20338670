-- A function's own cap on calls running at once (issue 13, item 4), beside the org's quota; NULL: none. Not versioned.
ALTER TABLE functions ADD COLUMN max_concurrency integer;
