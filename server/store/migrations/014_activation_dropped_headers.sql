-- The response policy (issue 19): the headers a function answered but may not set, named in its activation.
ALTER TABLE activations ADD COLUMN dropped_headers jsonb NOT NULL DEFAULT '[]'::jsonb;
