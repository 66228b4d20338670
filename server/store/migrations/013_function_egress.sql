-- Outbound network for container functions (issue 3): none unless the function allows egress.
ALTER TABLE functions ADD COLUMN egress boolean NOT NULL DEFAULT false;
ALTER TABLE function_versions ADD COLUMN egress boolean NOT NULL DEFAULT false;
