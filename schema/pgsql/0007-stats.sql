-- pgsql/0007-stats.sql: `rebound stats` and `rebound suppressed` at a
-- million bounces (version 7), the twin of ../0007-stats.sql. Applied as
-- pgsql/0001-initial.sql is; this file and its copy in lib/store_schema.c
-- must stay identical (tests/unit/test_store.c checks).

-- bounce_counts of 0003 and 0004 had one row per day and combination of
-- list, class, reason, domain and effect: nearly one row per bounce when
-- the bounces are spread over many domains, so stats read as many rows as
-- before. Now one row per day, list, group and key: a day has a few rows
-- per list and class, reason, effect, and one per list and domain.
DROP TRIGGER bounces_counted ON bounces;
DROP TRIGGER bounces_uncounted ON bounces;
DROP FUNCTION bounces_count();
DROP TABLE bounce_counts;

-- Bounces counted per UTC day, list and group ('class', 'reason',
-- 'domain', 'effect', 'list'), kept by the triggers below on every insert
-- and delete.
-- shard: the writing backend's pid modulo 8, so that concurrent writers of
-- the same key update different rows instead of queueing on one; a key's
-- count is the sum over its shards.
CREATE TABLE bounce_counts (
	grp text NOT NULL,
	day date NOT NULL,
	list text NOT NULL,
	key text NOT NULL,
	shard smallint NOT NULL DEFAULT 0,
	n bigint NOT NULL,
	PRIMARY KEY (grp, day, list, key, shard)
);
INSERT INTO bounce_counts (grp, day, list, key, shard, n)
	SELECT g.grp, (received_at AT TIME ZONE 'UTC')::date, list, g.key, 0, count(*)
	FROM bounces, LATERAL (VALUES ('class', class), ('reason', reason),
		('domain', lower(substr(recipient::text, strpos(recipient::text, '@') + 1))), ('effect', effect),
		('list', list)) AS g (grp, key)
	GROUP BY 1, 2, 3, 4;

-- One function for both triggers: the rows inserted count +1, the rows
-- deleted -1; keys in a fixed order (no deadlock between two writers).
CREATE FUNCTION bounces_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO bounce_counts AS c (grp, day, list, key, shard, n)
		SELECT g.grp, (received_at AT TIME ZONE 'UTC')::date, list, g.key, pg_backend_pid() % 8, count(*)
		FROM new_rows, LATERAL (VALUES ('class', class), ('reason', reason),
			('domain', lower(substr(recipient::text, strpos(recipient::text, '@') + 1))), ('effect', effect),
			('list', list)) AS g (grp, key)
		GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
		ON CONFLICT (grp, day, list, key, shard) DO UPDATE SET n = c.n + excluded.n;
	ELSE
		INSERT INTO bounce_counts AS c (grp, day, list, key, shard, n)
		SELECT g.grp, (received_at AT TIME ZONE 'UTC')::date, list, g.key, pg_backend_pid() % 8, -count(*)
		FROM old_rows, LATERAL (VALUES ('class', class), ('reason', reason),
			('domain', lower(substr(recipient::text, strpos(recipient::text, '@') + 1))), ('effect', effect),
			('list', list)) AS g (grp, key)
		GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
		ON CONFLICT (grp, day, list, key, shard) DO UPDATE SET n = c.n + excluded.n;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER bounces_counted AFTER INSERT ON bounces REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION bounces_count();
CREATE TRIGGER bounces_uncounted AFTER DELETE ON bounces REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION bounces_count();

-- Recipients counted per state (sharded as bounce_counts), kept by the
-- triggers below: stats reads these rows instead of counting every
-- recipient. An update that changes no state writes nothing.
CREATE TABLE recipient_counts (
	state text NOT NULL,
	shard smallint NOT NULL DEFAULT 0,
	n bigint NOT NULL,
	PRIMARY KEY (state, shard)
);
INSERT INTO recipient_counts (state, shard, n) SELECT state, 0, count(*) FROM recipients GROUP BY 1;
CREATE FUNCTION recipients_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO recipient_counts AS c (state, shard, n)
		SELECT state, pg_backend_pid() % 8, count(*) FROM new_rows GROUP BY 1 ORDER BY 1
		ON CONFLICT (state, shard) DO UPDATE SET n = c.n + excluded.n;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO recipient_counts AS c (state, shard, n)
		SELECT state, pg_backend_pid() % 8, -count(*) FROM old_rows GROUP BY 1 ORDER BY 1
		ON CONFLICT (state, shard) DO UPDATE SET n = c.n + excluded.n;
	ELSE
		INSERT INTO recipient_counts AS c (state, shard, n)
		SELECT state, pg_backend_pid() % 8, sum(d) FROM (SELECT state, -1 AS d FROM old_rows
			UNION ALL SELECT state, 1 FROM new_rows) AS u
		GROUP BY 1 HAVING sum(d) <> 0 ORDER BY 1
		ON CONFLICT (state, shard) DO UPDATE SET n = c.n + excluded.n;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER recipients_counted AFTER INSERT ON recipients REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION recipients_count();
CREATE TRIGGER recipients_uncounted AFTER DELETE ON recipients REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION recipients_count();
CREATE TRIGGER recipients_recounted AFTER UPDATE ON recipients REFERENCING OLD TABLE AS old_rows
	NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recipients_count();

-- `rebound suppressed` (and the Postfix table's few suppressed rows) in
-- address order without reading every active recipient.
CREATE INDEX recipients_suppressed ON recipients (address) WHERE state = 'suppressed';
