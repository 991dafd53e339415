-- A node's RAID configuration, as JSON objects ('{}': none). target_raid_config is what was asked
-- of the node's RAID interface (PUT /v1/nodes/{node}/states/raid); raid_config is what that
-- interface last applied, set only by the interface.
ALTER TABLE nodes ADD COLUMN target_raid_config TEXT DEFAULT '{}' NOT NULL;
ALTER TABLE nodes ADD COLUMN raid_config TEXT DEFAULT '{}' NOT NULL;
