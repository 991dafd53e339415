-- Two indexes that every request paid for and almost nothing read.
--
-- History rows get random UUIDs from the conductor that writes them, and nothing looks a row up by
-- its UUID alone (a node's history is read through node_history_node_idx). The unique index cost
-- a random B-tree insert on every transition. The column stays, NOT NULL.
ALTER TABLE node_history DROP CONSTRAINT node_history_uuid_uq;

-- The reservation changes twice per request (taken, released), so its index was rewritten twice
-- per request (and kept PostgreSQL from updating the row in place). Only a conductor's start-up
-- looks nodes up by reservation, once; a scan does that.
DROP INDEX nodes_reservation_idx;
