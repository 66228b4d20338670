-- One autoscale rule per vApp (issue 5): two rules scaling the same vApp would fight over its VM count.
-- The key is the vApp's uuid, whether the rule names it as a URN, `vapp-<uuid>` or the bare uuid (as uuidOf does).
CREATE UNIQUE INDEX autoscale_rules_vapp ON autoscale_rules (org, lower(regexp_replace(regexp_replace(spec->>'vAppId', '^.*:', ''), '^vapp-', '', 'i')));
