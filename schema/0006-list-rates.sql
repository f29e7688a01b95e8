-- 0006-list-rates.sql: a list's reputation (user_version 6). Applied as
-- 0001-initial.sql is; this file and its copy in lib/store_schema.c must
-- stay identical (tests/unit/test_store.c checks). docs/reputation.md
-- explains the rates, docs/schema.md the columns.

-- What each list sent and got back, per 5-minute interval: messages and
-- recipients written by rebound-milter (added up in memory, written once
-- a rate_interval), bounces and complaints by the trigger below. list: the
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

-- The verified hard and soft bounces and complaints of a known list
-- (bounces.list, 0004-lists.sql), counted in the interval they came in.
-- Nothing on delete: rebound-milter keeps list_counts for 30 days itself.
INSERT INTO list_counts (list, bucket, shard, hard, soft, complaints)
	SELECT lower(list), CAST(strftime('%s', received_at) AS INTEGER) / 300 * 300, 0,
		sum(class = 'hard'), sum(class = 'soft'), sum(class = 'complaint')
	FROM bounces WHERE list <> '' AND verified = 1 AND class IN ('hard', 'soft', 'complaint')
	GROUP BY 1, 2;
CREATE TRIGGER bounces_list_counted AFTER INSERT ON bounces
WHEN NEW.list <> '' AND NEW.verified = 1 AND NEW.class IN ('hard', 'soft', 'complaint') BEGIN
	INSERT INTO list_counts (list, bucket, shard, hard, soft, complaints)
	VALUES (lower(NEW.list), CAST(strftime('%s', NEW.received_at) AS INTEGER) / 300 * 300, 0,
		NEW.class = 'hard', NEW.class = 'soft', NEW.class = 'complaint')
	ON CONFLICT (list, bucket, shard) DO UPDATE SET hard = hard + excluded.hard, soft = soft + excluded.soft,
		complaints = complaints + excluded.complaints;
END;

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
