-- A node waiting for a callback (wait call-back, clean wait, inspect wait, rescue wait,
-- service wait) times out at this instant. Stored, not kept in memory, so the timeout survives
-- restarts and any live conductor can act on it.
ALTER TABLE nodes ADD COLUMN deadline_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX nodes_deadline_idx ON nodes (deadline_at);
