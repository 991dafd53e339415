-- Every exclusive task takes a node's reservation with a token of its own, a random number, next
-- to the conductor's name. Every write the task makes is guarded by that token, and so is the
-- release. A conductor that recovers a reservation whose task is gone (its worker died, its
-- release failed while the database was down, its conductor was declared dead) replaces the
-- token, which fences the old task out: if it ever runs again, none of its writes can land.
ALTER TABLE nodes ADD COLUMN reservation_token BIGINT;
