-- pgsql/0004-lists.sql: attribution of bounces to lists (version 4), the
-- twin of ../0004-lists.sql. Applied as pgsql/0001-initial.sql is; this
-- file and its copy in lib/store_schema.c must stay identical
-- (tests/unit/test_store.c checks). The list of a message is its envelope
-- sender before rebound-milter rewrote it (docs/verp.md, "Attribution").

-- Message mode: the list of each message (exact: the token names it).
ALTER TABLE messages ADD COLUMN list text NOT NULL DEFAULT '';

-- Recipient mode: the lists that mailed an address, written by
-- rebound-milter at most once a day per address and list.
CREATE TABLE list_recipients (
	recipient citext NOT NULL,
	list text NOT NULL,
	first_sent_at timestamptz NOT NULL,
	last_sent_at timestamptz NOT NULL,
	PRIMARY KEY (recipient, list)
);
CREATE INDEX list_recipients_last_sent_at ON list_recipients (last_sent_at);

-- The list a bounce belongs to, found when it is recorded.
ALTER TABLE bounces ADD COLUMN list text NOT NULL DEFAULT '';

-- bounce_counts gains the list: `rebound stats --list` and its list group.
ALTER TABLE bounce_counts ADD COLUMN list text NOT NULL DEFAULT '';
ALTER TABLE bounce_counts DROP CONSTRAINT bounce_counts_pkey;
ALTER TABLE bounce_counts ADD PRIMARY KEY (day, list, class, reason, domain, effect, shard);

CREATE OR REPLACE FUNCTION bounces_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO bounce_counts AS c (day, list, class, reason, domain, effect, shard, n)
		SELECT (received_at AT TIME ZONE 'UTC')::date, list, class, reason,
			lower(substr(recipient::text, strpos(recipient::text, '@') + 1)), effect, pg_backend_pid() % 8,
			count(*)
		FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (day, list, class, reason, domain, effect, shard) DO UPDATE SET n = c.n + excluded.n;
	ELSE
		INSERT INTO bounce_counts AS c (day, list, class, reason, domain, effect, shard, n)
		SELECT (received_at AT TIME ZONE 'UTC')::date, list, class, reason,
			lower(substr(recipient::text, strpos(recipient::text, '@') + 1)), effect, pg_backend_pid() % 8,
			-count(*)
		FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (day, list, class, reason, domain, effect, shard) DO UPDATE SET n = c.n + excluded.n;
	END IF;
	RETURN NULL;
END
$$;
