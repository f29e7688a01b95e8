-- pgsql/0006-list-rates.sql: a list's reputation (version 6), the twin of
-- ../0006-list-rates.sql. Applied as pgsql/0001-initial.sql is; this file
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

-- The verified hard and soft bounces and complaints of a known list
-- (bounces.list, pgsql/0004-lists.sql), counted in the interval they came
-- in, per statement (rebound-pipe records a bounce's recipients in one).
INSERT INTO list_counts (list, bucket, shard, hard, soft, complaints)
	SELECT lower(list), (floor(extract(epoch FROM received_at) / 300) * 300)::bigint, 0,
		count(*) FILTER (WHERE class = 'hard'), count(*) FILTER (WHERE class = 'soft'),
		count(*) FILTER (WHERE class = 'complaint')
	FROM bounces WHERE list <> '' AND verified AND class IN ('hard', 'soft', 'complaint')
	GROUP BY 1, 2;
CREATE FUNCTION bounces_list_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO list_counts AS c (list, bucket, shard, hard, soft, complaints)
	SELECT lower(list), (floor(extract(epoch FROM received_at) / 300) * 300)::bigint, pg_backend_pid() % 8,
		count(*) FILTER (WHERE class = 'hard'), count(*) FILTER (WHERE class = 'soft'),
		count(*) FILTER (WHERE class = 'complaint')
	FROM new_rows WHERE list <> '' AND verified AND class IN ('hard', 'soft', 'complaint')
	GROUP BY 1, 2, 3 ORDER BY 1, 2
	ON CONFLICT (list, bucket, shard) DO UPDATE SET hard = c.hard + excluded.hard,
		soft = c.soft + excluded.soft, complaints = c.complaints + excluded.complaints;
	RETURN NULL;
END
$$;
CREATE TRIGGER bounces_list_counted AFTER INSERT ON bounces REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION bounces_list_count();

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
