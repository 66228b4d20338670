-- Per-org limits the provider sets (issue 18): one row for the default (org '*') and one per org with an override;
-- an override keeps only the fields it changes. Every replica reads this table, so a change needs no restart.
CREATE TABLE provider_limits (
  -- '*' for the default, else the org's name lower-cased (as tenancy keys it).
  org         text        PRIMARY KEY,
  limits      jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text        NOT NULL
);
