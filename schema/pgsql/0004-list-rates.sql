-- pgsql/0004-list-rates.sql: a list's reputation (version 4), the twin of
-- ../0004-list-rates.sql. Applied as pgsql/0001-initial.sql is; this file
-- and its copy in lib/store_schema.c must stay identical
-- (tests/unit/test_store.c checks). With several MTAs on one database the
-- counts and the pause are shared.

-- What each list sent and got back, per 5-minute interval (see the SQLite
-- twin). shard: concurrent writers of one key (one rebound-pipe per
-- bounce) update different rows; a key's count is the sum over its shards.
CREATE TABLE list_counts (
	list citext NOT NULL,
	bucket bigint NOT NULL,
	shard smallint NOT NULL DEFAULT 0,
	messages bigint NOT NULL DEFAULT 0,
	recipients bigint NOT NULL DEFAULT 0,
	hard bigint NOT NULL DEFAULT 0,
	soft bigint NOT NULL DEFAULT 0,
	complaints bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (list, bucket, shard)
);
CREATE INDEX list_counts_bucket ON list_counts (bucket);

-- A list's pause and last warning (see the SQLite twin).
CREATE TABLE list_states (
	list citext PRIMARY KEY,
	paused boolean NOT NULL DEFAULT false,
	paused_at timestamptz,
	pause_reason text,
	resumed_at timestamptz,
	warned_at timestamptz,
	warn_reason text
);
