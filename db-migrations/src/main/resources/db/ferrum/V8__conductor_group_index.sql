-- Node lists filter by conductor group (GET /v1/nodes?conductor_group=...). With the id after it,
-- a page of one group in the default order is read from the index alone, in order, without a
-- scan of the nodes table or a sort.
CREATE INDEX nodes_conductor_group_idx ON nodes (conductor_group, id);
