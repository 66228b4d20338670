-- One autoscale rule per vApp (issue 5): two rules scaling the same vApp would fight over its VM count.
-- The key is the vApp's uuid, whether the rule names it as a URN, `vapp-<uuid>` or the bare uuid (as uuidOf does).
-- A store that already holds two rules for one vApp (made before this rule existed) still starts: it keeps them and
-- gets no index; the service refuses every new clash either way, the index only closes the race between two creates.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM autoscale_rules
    GROUP BY org, lower(regexp_replace(regexp_replace(spec->>'vAppId', '^.*:', ''), '^vapp-', '', 'i'))
    HAVING count(*) > 1
  ) THEN
    CREATE UNIQUE INDEX autoscale_rules_vapp ON autoscale_rules (org, lower(regexp_replace(regexp_replace(spec->>'vAppId', '^.*:', ''), '^vapp-', '', 'i')));
  ELSE
    RAISE NOTICE 'autoscale_rules: several rules share a vApp; the one-rule-per-vApp index is not created';
  END IF;
END $$;
