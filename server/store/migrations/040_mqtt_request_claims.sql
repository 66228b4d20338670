-- vCD's MQTT bus (issue 12): MQTT 3.1.1 has no shared subscriptions, so every replica receives every API_REQUEST.
-- The replica whose INSERT wins runs it; the others drop their copy. Rows older than the bus' expiry are pruned.
-- UNLOGGED: a claim matters for the seconds a request's copies are in flight, so it needs no WAL (an fsync per
-- request was most of the bus' latency); a PostgreSQL crash empties it, and requests in flight then end as 504.
CREATE UNLOGGED TABLE mqtt_request_claims (
  request_id  text        PRIMARY KEY,
  replica     text        NOT NULL,
  claimed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mqtt_request_claims_at ON mqtt_request_claims (claimed_at);
