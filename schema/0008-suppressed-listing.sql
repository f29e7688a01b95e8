-- 0008-suppressed-listing.sql: `rebound suppressed` from one index
-- (user_version 8). Applied as 0001-initial.sql is; this file and its copy
-- in lib/store_schema.c must stay identical (tests/unit/test_store.c
-- checks).

-- The listing reads the address, when and why it was suppressed, in
-- address order: an index that holds all three answers it without reading
-- the table. It replaces 0007's index of the addresses alone.
DROP INDEX recipients_suppressed;
CREATE INDEX recipients_suppressed_listing ON recipients (address, suppressed_at, suppressed_reason)
	WHERE state = 'suppressed';
