-- Ironic's node fields that describe and classify a node rather than drive it.
-- Scheduling and ownership (resource_class has Ironic's width of 80), free text, protection
-- against undeploy and delete, retirement, and when inspection last started and finished.
ALTER TABLE nodes ADD COLUMN resource_class VARCHAR(80);
ALTER TABLE nodes ADD COLUMN owner VARCHAR(255);
ALTER TABLE nodes ADD COLUMN lessee VARCHAR(255);
ALTER TABLE nodes ADD COLUMN description TEXT;
ALTER TABLE nodes ADD COLUMN protected BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE nodes ADD COLUMN protected_reason TEXT;
ALTER TABLE nodes ADD COLUMN retired BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE nodes ADD COLUMN retired_reason TEXT;
ALTER TABLE nodes ADD COLUMN inspection_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE nodes ADD COLUMN inspection_finished_at TIMESTAMP WITH TIME ZONE;

-- The node's traits: a JSON array of names, sorted, read with the node in the same row.
ALTER TABLE nodes ADD COLUMN traits TEXT DEFAULT '[]' NOT NULL;

-- The implementation chosen for each hardware interface; NULL (rows older than this migration)
-- means the hardware type's default.
ALTER TABLE nodes ADD COLUMN bios_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN boot_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN console_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN deploy_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN inspect_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN management_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN network_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN power_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN raid_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN rescue_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN storage_interface VARCHAR(255);
ALTER TABLE nodes ADD COLUMN vendor_interface VARCHAR(255);

-- Node lists filter by these.
CREATE INDEX nodes_resource_class_idx ON nodes (resource_class);
CREATE INDEX nodes_owner_idx ON nodes (owner);
