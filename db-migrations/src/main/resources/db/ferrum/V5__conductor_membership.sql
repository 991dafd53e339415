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
