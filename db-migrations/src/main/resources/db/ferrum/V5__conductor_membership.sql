-- Many conductors on one database. A conductor registers under its name with an instance id of
-- its own (one per process start), its conductor group and start time, and heartbeats; it is
-- dead when its heartbeat is older than its own heartbeat timeout (stored with it, so peers with
-- other settings agree), judged by the database's clock. Nodes belong
-- to a conductor group (Ironic's conductor_group, '' by default): their periodic work runs on the
-- live conductor of that group the hash ring maps them to.
ALTER TABLE conductors ADD COLUMN conductor_group VARCHAR(255) DEFAULT '' NOT NULL;
ALTER TABLE conductors ADD COLUMN instance_id VARCHAR(36);
ALTER TABLE conductors ADD COLUMN started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE conductors ADD COLUMN heartbeat_timeout_ms BIGINT;
ALTER TABLE nodes ADD COLUMN conductor_group VARCHAR(255) DEFAULT '' NOT NULL;

-- Every list the API offers pages through an index, whatever its sort key and filter: a page
-- costs the same for ten nodes as for a hundred thousand. Nodes without a name sort first.
DROP INDEX nodes_provision_state_idx;
CREATE INDEX nodes_provision_state_idx ON nodes (provision_state, id);
CREATE INDEX nodes_name_sort_idx ON nodes (name NULLS FIRST, id);
CREATE INDEX nodes_created_idx ON nodes (created_at, id);
CREATE INDEX nodes_driver_idx ON nodes (driver, id);
CREATE INDEX nodes_maintenance_idx ON nodes (maintenance, id);

-- What recovery, takeover and start-up look for: a conductor's reservations, and nodes its work
-- left in a working state.
CREATE INDEX nodes_reservation_idx ON nodes (reservation);
CREATE INDEX nodes_affinity_idx ON nodes (conductor_affinity, provision_state);
