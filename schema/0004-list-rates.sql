-- 0004-list-rates.sql: a list's reputation (user_version 4). Applied as
-- 0001-initial.sql is; this file and its copy in lib/store_schema.c must
-- stay identical (tests/unit/test_store.c checks). docs/reputation.md
-- explains the rates, docs/schema.md the columns.

-- What each list sent and got back, per 5-minute interval: messages and
-- recipients written by rebound-milter (added up in memory, written once
-- a rate_interval), bounces and complaints by rebound-pipe. list: the
-- envelope sender before rebound-milter rewrote it. bucket: the start of
-- the interval, seconds since 1970 UTC. shard: PostgreSQL spreads a key
-- over a few rows; SQLite writes shard 0 only.
CREATE TABLE list_counts (
	list TEXT NOT NULL COLLATE NOCASE,
	bucket INTEGER NOT NULL,
	shard INTEGER NOT NULL DEFAULT 0,
	messages INTEGER NOT NULL DEFAULT 0,
	recipients INTEGER NOT NULL DEFAULT 0,
	hard INTEGER NOT NULL DEFAULT 0,
	soft INTEGER NOT NULL DEFAULT 0,
	complaints INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (list, bucket, shard)
) WITHOUT ROWID;
CREATE INDEX list_counts_bucket ON list_counts (bucket);

-- A list's pause and last warning: paused = 1 from paused_at (why:
-- pause_reason) until `rebound resume` sets resumed_at; counts from
-- before resumed_at no longer count. warned_at: the last rate warning
-- (one per window).
CREATE TABLE list_states (
	list TEXT PRIMARY KEY COLLATE NOCASE,
	paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
	paused_at TEXT,
	pause_reason TEXT,
	resumed_at TEXT,
	warned_at TEXT,
	warn_reason TEXT
) WITHOUT ROWID;
