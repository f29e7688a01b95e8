-- pgsql/0003-counts.sql: the store at a million bounces (version 3), the
-- twin of ../0003-counts.sql. Applied as pgsql/0001-initial.sql is; this
-- file and its copy in lib/store_schema.c must stay identical
-- (tests/unit/test_store.c checks).

-- bounces_queue_id served no statement (the duplicate check goes through
-- bounces_recipient) and cost space and work on every insert.
DROP INDEX IF EXISTS bounces_queue_id;

-- Bounces counted per UTC day, class, reason, recipient domain and effect,
-- kept by the triggers below on every insert and delete: `rebound stats`
-- reads these few rows instead of counting a million bounces. shard: the
-- writing backend's pid modulo 8, so that concurrent writers of the same
-- key update different rows instead of queueing on one; a key's count is
-- the sum over its shards.
CREATE TABLE bounce_counts (
	day date NOT NULL,
	class text NOT NULL,
	reason text NOT NULL,
	domain text NOT NULL,
	effect text NOT NULL,
	shard smallint NOT NULL DEFAULT 0,
	n bigint NOT NULL,
	PRIMARY KEY (day, class, reason, domain, effect, shard)
);
INSERT INTO bounce_counts (day, class, reason, domain, effect, shard, n)
	SELECT (received_at AT TIME ZONE 'UTC')::date, class, reason,
		lower(substr(recipient::text, strpos(recipient::text, '@') + 1)), effect, 0, count(*)
	FROM bounces GROUP BY 1, 2, 3, 4, 5;

CREATE FUNCTION bounces_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO bounce_counts AS c (day, class, reason, domain, effect, shard, n)
		SELECT (received_at AT TIME ZONE 'UTC')::date, class, reason,
			lower(substr(recipient::text, strpos(recipient::text, '@') + 1)), effect, pg_backend_pid() % 8,
			count(*)
		FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (day, class, reason, domain, effect, shard) DO UPDATE SET n = c.n + excluded.n;
	ELSE
		INSERT INTO bounce_counts AS c (day, class, reason, domain, effect, shard, n)
		SELECT (received_at AT TIME ZONE 'UTC')::date, class, reason,
			lower(substr(recipient::text, strpos(recipient::text, '@') + 1)), effect, pg_backend_pid() % 8,
			-count(*)
		FROM old_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (day, class, reason, domain, effect, shard) DO UPDATE SET n = c.n + excluded.n;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER bounces_counted AFTER INSERT ON bounces REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION bounces_count();
CREATE TRIGGER bounces_uncounted AFTER DELETE ON bounces REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION bounces_count();
