-- 0004-lists.sql: attribution of bounces to lists (user_version 4).
-- Applied as 0001-initial.sql is; this file and its copy in
-- lib/store_schema.c must stay identical (tests/unit/test_store.c checks).
-- The list of a message is its envelope sender before rebound-milter
-- rewrote it (docs/verp.md, "Attribution"); '' when unknown.

-- Message mode: the list of each message (exact: the token names it).
ALTER TABLE messages ADD COLUMN list TEXT NOT NULL DEFAULT '';

-- Recipient mode: the lists that mailed an address (the return path names
-- the recipient, not the list), written by rebound-milter at most once a
-- day per address and list.
CREATE TABLE list_recipients (
	recipient TEXT NOT NULL COLLATE NOCASE,
	list TEXT NOT NULL,
	first_sent_at TEXT NOT NULL,
	last_sent_at TEXT NOT NULL,
	PRIMARY KEY (recipient, list)
) WITHOUT ROWID;
CREATE INDEX list_recipients_last_sent_at ON list_recipients (last_sent_at);

-- The list a bounce belongs to, found when it is recorded.
ALTER TABLE bounces ADD COLUMN list TEXT NOT NULL DEFAULT '';

-- bounce_counts gains the list: `rebound stats --list` and its list group.
-- The triggers first: they name bounce_counts.
DROP TRIGGER bounces_counted;
DROP TRIGGER bounces_uncounted;
CREATE TABLE bounce_counts_new (
	day TEXT NOT NULL,
	list TEXT NOT NULL,
	class TEXT NOT NULL,
	reason TEXT NOT NULL,
	domain TEXT NOT NULL,
	effect TEXT NOT NULL,
	shard INTEGER NOT NULL DEFAULT 0,
	n INTEGER NOT NULL,
	PRIMARY KEY (day, list, class, reason, domain, effect, shard)
) WITHOUT ROWID;
INSERT INTO bounce_counts_new (day, list, class, reason, domain, effect, shard, n)
	SELECT day, '', class, reason, domain, effect, shard, n FROM bounce_counts;
DROP TABLE bounce_counts;
ALTER TABLE bounce_counts_new RENAME TO bounce_counts;

CREATE TRIGGER bounces_counted AFTER INSERT ON bounces BEGIN
	INSERT INTO bounce_counts (day, list, class, reason, domain, effect, shard, n)
	VALUES (substr(NEW.received_at, 1, 10), NEW.list, NEW.class, NEW.reason,
		lower(substr(NEW.recipient, instr(NEW.recipient, '@') + 1)), NEW.effect, 0, 1)
	ON CONFLICT (day, list, class, reason, domain, effect, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER bounces_uncounted AFTER DELETE ON bounces BEGIN
	UPDATE bounce_counts SET n = n - 1
	WHERE day = substr(OLD.received_at, 1, 10) AND list = OLD.list AND class = OLD.class
		AND reason = OLD.reason AND domain = lower(substr(OLD.recipient, instr(OLD.recipient, '@') + 1))
		AND effect = OLD.effect AND shard = 0;
END;
