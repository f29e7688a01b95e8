-- 0003-counts.sql: the store at a million bounces (user_version 3).
-- Applied as 0001-initial.sql is; this file and its copy in
-- lib/store_schema.c must stay identical (tests/unit/test_store.c checks).

-- bounces_queue_id served no statement (the duplicate check goes through
-- bounces_recipient) and cost space and work on every insert.
DROP INDEX IF EXISTS bounces_queue_id;

-- Bounces counted per UTC day, class, reason, recipient domain and effect,
-- kept by the triggers below on every insert and delete: `rebound stats`
-- reads these few rows instead of counting a million bounces.
-- shard: PostgreSQL spreads a key over a few rows (concurrent writers need
-- not queue on one); SQLite writes shard 0 only.
CREATE TABLE bounce_counts (
	day TEXT NOT NULL,
	class TEXT NOT NULL,
	reason TEXT NOT NULL,
	domain TEXT NOT NULL,
	effect TEXT NOT NULL,
	shard INTEGER NOT NULL DEFAULT 0,
	n INTEGER NOT NULL,
	PRIMARY KEY (day, class, reason, domain, effect, shard)
) WITHOUT ROWID;
INSERT INTO bounce_counts (day, class, reason, domain, effect, shard, n)
	SELECT substr(received_at, 1, 10), class, reason, lower(substr(recipient, instr(recipient, '@') + 1)),
		effect, 0, count(*)
	FROM bounces GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER bounces_counted AFTER INSERT ON bounces BEGIN
	INSERT INTO bounce_counts (day, class, reason, domain, effect, shard, n)
	VALUES (substr(NEW.received_at, 1, 10), NEW.class, NEW.reason,
		lower(substr(NEW.recipient, instr(NEW.recipient, '@') + 1)), NEW.effect, 0, 1)
	ON CONFLICT (day, class, reason, domain, effect, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER bounces_uncounted AFTER DELETE ON bounces BEGIN
	UPDATE bounce_counts SET n = n - 1
	WHERE day = substr(OLD.received_at, 1, 10) AND class = OLD.class AND reason = OLD.reason
		AND domain = lower(substr(OLD.recipient, instr(OLD.recipient, '@') + 1)) AND effect = OLD.effect
		AND shard = 0;
END;
