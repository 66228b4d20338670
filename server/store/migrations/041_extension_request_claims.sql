-- Issue 20: the AMQP bridge claims unsafe requests too (a replica killed -9 must not have its started POSTs run again
-- by the survivor RabbitMQ redelivers them to), so MQTT's claim table (040) gets a transport-neutral name.
ALTER TABLE mqtt_request_claims RENAME TO extension_request_claims;
ALTER INDEX mqtt_request_claims_pkey RENAME TO extension_request_claims_pkey;
ALTER INDEX mqtt_request_claims_at RENAME TO extension_request_claims_at;
