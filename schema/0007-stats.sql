-- 0007-stats.sql: `rebound stats` and `rebound suppressed` at a million
-- bounces (user_version 7). Applied as 0001-initial.sql is; this file and
-- its copy in lib/store_schema.c must stay identical (tests/unit/test_store.c
-- checks).

-- bounce_counts of 0003 and 0004 had one row per day and combination of
-- list, class, reason, domain and effect: nearly one row per bounce when
-- the bounces are spread over many domains, so stats read as many rows as
-- before. Now one row per day, list, group and key: a day has a few rows
-- per list and class, reason, effect, and one per list and domain.
DROP TRIGGER bounces_counted;
DROP TRIGGER bounces_uncounted;
DROP TABLE bounce_counts;

-- Bounces counted per UTC day, list and group ('class', 'reason',
-- 'domain', 'effect', 'list'), kept by the triggers below on every insert
-- and delete.
-- shard: PostgreSQL spreads a key over a few rows (concurrent writers need
-- not queue on one); SQLite writes shard 0 only.
CREATE TABLE bounce_counts (
	grp TEXT NOT NULL,
	day TEXT NOT NULL,
	list TEXT NOT NULL,
	key TEXT NOT NULL,
	shard INTEGER NOT NULL DEFAULT 0,
	n INTEGER NOT NULL,
	PRIMARY KEY (grp, day, list, key, shard)
) WITHOUT ROWID;
INSERT INTO bounce_counts (grp, day, list, key, shard, n)
	SELECT 'class', substr(received_at, 1, 10), list, class, 0, count(*) FROM bounces GROUP BY 2, 3, 4;
INSERT INTO bounce_counts (grp, day, list, key, shard, n)
	SELECT 'reason', substr(received_at, 1, 10), list, reason, 0, count(*) FROM bounces GROUP BY 2, 3, 4;
INSERT INTO bounce_counts (grp, day, list, key, shard, n)
	SELECT 'domain', substr(received_at, 1, 10), list, lower(substr(recipient, instr(recipient, '@') + 1)), 0,
		count(*)
	FROM bounces GROUP BY 2, 3, 4;
INSERT INTO bounce_counts (grp, day, list, key, shard, n)
	SELECT 'effect', substr(received_at, 1, 10), list, effect, 0, count(*) FROM bounces GROUP BY 2, 3, 4;
INSERT INTO bounce_counts (grp, day, list, key, shard, n)
	SELECT 'list', substr(received_at, 1, 10), list, list, 0, count(*) FROM bounces GROUP BY 2, 3;

CREATE TRIGGER bounces_counted AFTER INSERT ON bounces BEGIN
	INSERT INTO bounce_counts (grp, day, list, key, shard, n)
	VALUES ('class', substr(NEW.received_at, 1, 10), NEW.list, NEW.class, 0, 1),
		('reason', substr(NEW.received_at, 1, 10), NEW.list, NEW.reason, 0, 1),
		('domain', substr(NEW.received_at, 1, 10), NEW.list,
			lower(substr(NEW.recipient, instr(NEW.recipient, '@') + 1)), 0, 1),
		('effect', substr(NEW.received_at, 1, 10), NEW.list, NEW.effect, 0, 1),
		('list', substr(NEW.received_at, 1, 10), NEW.list, NEW.list, 0, 1)
	ON CONFLICT (grp, day, list, key, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER bounces_uncounted AFTER DELETE ON bounces BEGIN
	UPDATE bounce_counts SET n = n - 1 WHERE grp = 'class' AND day = substr(OLD.received_at, 1, 10)
		AND list = OLD.list AND key = OLD.class AND shard = 0;
	UPDATE bounce_counts SET n = n - 1 WHERE grp = 'reason' AND day = substr(OLD.received_at, 1, 10)
		AND list = OLD.list AND key = OLD.reason AND shard = 0;
	UPDATE bounce_counts SET n = n - 1 WHERE grp = 'domain' AND day = substr(OLD.received_at, 1, 10)
		AND list = OLD.list AND key = lower(substr(OLD.recipient, instr(OLD.recipient, '@') + 1)) AND shard = 0;
	UPDATE bounce_counts SET n = n - 1 WHERE grp = 'effect' AND day = substr(OLD.received_at, 1, 10)
		AND list = OLD.list AND key = OLD.effect AND shard = 0;
	UPDATE bounce_counts SET n = n - 1 WHERE grp = 'list' AND day = substr(OLD.received_at, 1, 10)
		AND list = OLD.list AND key = OLD.list AND shard = 0;
END;

-- Recipients counted per state, kept by triggers: stats reads these rows
-- instead of counting every recipient.
CREATE TABLE recipient_counts (
	state TEXT NOT NULL,
	shard INTEGER NOT NULL DEFAULT 0,
	n INTEGER NOT NULL,
	PRIMARY KEY (state, shard)
) WITHOUT ROWID;
INSERT INTO recipient_counts (state, shard, n) SELECT state, 0, count(*) FROM recipients GROUP BY 1;
CREATE TRIGGER recipients_counted AFTER INSERT ON recipients BEGIN
	INSERT INTO recipient_counts (state, shard, n) VALUES (NEW.state, 0, 1)
	ON CONFLICT (state, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER recipients_uncounted AFTER DELETE ON recipients BEGIN
	UPDATE recipient_counts SET n = n - 1 WHERE state = OLD.state AND shard = 0;
END;
CREATE TRIGGER recipients_recounted AFTER UPDATE OF state ON recipients WHEN OLD.state IS NOT NEW.state BEGIN
	UPDATE recipient_counts SET n = n - 1 WHERE state = OLD.state AND shard = 0;
	INSERT INTO recipient_counts (state, shard, n) VALUES (NEW.state, 0, 1)
	ON CONFLICT (state, shard) DO UPDATE SET n = n + 1;
END;

-- `rebound suppressed` (and the Postfix table's few suppressed rows) in
-- address order without reading every active recipient.
CREATE INDEX recipients_suppressed ON recipients (address) WHERE state = 'suppressed';
