-- Where a version runs (issue 3): a V8 isolate or a Podman container, and for containers per-call or warm.
ALTER TABLE functions ADD COLUMN sandbox text NOT NULL DEFAULT 'isolate' CHECK (sandbox IN ('isolate', 'container'));
ALTER TABLE functions ADD COLUMN mode text CHECK (mode IN ('per-call', 'warm'));
ALTER TABLE function_versions ADD COLUMN sandbox text NOT NULL DEFAULT 'isolate' CHECK (sandbox IN ('isolate', 'container'));
ALTER TABLE function_versions ADD COLUMN mode text CHECK (mode IN ('per-call', 'warm'));
