-- Showback's vCD usage collector (issue 4): what each run saw of an org's VMs and vApps, one row per resource and
-- UTC hour (the last look in an hour wins). Each sample stands for its hour: the VM's powered-on hours of a day are
-- its powered-on samples, priced per vCPU-hour and GB-RAM-hour; a vApp's storage is priced per GB-month by the hour.
CREATE TABLE showback_vcd_samples (
  org            text        NOT NULL,
  source_id      text        NOT NULL,
  hour           timestamptz NOT NULL,
  resource_kind  text        NOT NULL CHECK (resource_kind IN ('vm', 'vapp')),
  resource_id    text        NOT NULL,
  resource_name  text        NOT NULL DEFAULT '',
  vapp_id        text        NOT NULL DEFAULT '',
  vapp_name      text        NOT NULL DEFAULT '',
  powered_on     boolean     NOT NULL DEFAULT false,
  cpus           integer     NOT NULL DEFAULT 0,
  memory_mb      integer     NOT NULL DEFAULT 0,
  storage_mb     bigint      NOT NULL DEFAULT 0,
  PRIMARY KEY (org, source_id, hour, resource_id)
);
