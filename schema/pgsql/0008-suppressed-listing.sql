-- pgsql/0008-suppressed-listing.sql: `rebound suppressed` from one index
-- (version 8), the twin of ../0008-suppressed-listing.sql. Applied as
-- pgsql/0001-initial.sql is; this file and its copy in lib/store_schema.c
-- must stay identical (tests/unit/test_store.c checks).

-- The listing reads the address, when and why it was suppressed, in the
-- order of SQLite's NOCASE (bytes of the lowercase address): an index on
-- that order that holds all three answers it with an index-only scan and
-- no sort (20,000 of a million: ~25 ms instead of ~140 ms). It replaces
-- 0007's index of the addresses alone.
DROP INDEX recipients_suppressed;
CREATE INDEX recipients_suppressed_listing ON recipients ((lower(address::text) COLLATE "C"))
	INCLUDE (address, suppressed_at, suppressed_reason) WHERE state = 'suppressed';
