-- 0005-events.sql: the events for list managers and their hooks
-- (user_version 5). Applied as 0001-initial.sql is; this file and its copy
-- in lib/store_schema.c must stay identical (tests/unit/test_store.c
-- checks). docs/schema.md describes the columns, docs/hooks.md the hooks.

-- One row per change of an address's state, written in the transaction
-- that makes it: `suppressed` (by a hard bounce, soft bounces on
-- soft_bounce_limit days, a complaint, or by hand) and `unsuppressed` (by
-- hand); never for a duplicate, an unverified bounce or an address already
-- in that state. Other types may be written by later features. The ids
-- only grow and are never used twice (AUTOINCREMENT), even after purge:
-- `rebound events --after ID` polls with the last id handled.
-- hook_*: the delivery of the event to event_hook (`rebound hooks run`):
-- pending until done, failed (for good) or expired (given up); a runner
-- holds a lease (owner, until) while it runs the hook.
CREATE TABLE events (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	created_at TEXT NOT NULL,
	type TEXT NOT NULL,
	address TEXT NOT NULL COLLATE NOCASE,
	-- the lists the address belongs to by attribution, separated by spaces
	lists TEXT NOT NULL DEFAULT '',
	-- hard, soft-limit, complaint, manual
	cause TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	class TEXT NOT NULL DEFAULT '',
	-- bounces.id of the bounce that caused it, NULL by hand
	bounce_id INTEGER,
	hook_state TEXT NOT NULL DEFAULT 'pending'
		CHECK (hook_state IN ('pending', 'done', 'failed', 'expired')),
	hook_attempts INTEGER NOT NULL DEFAULT 0,
	hook_next_at TEXT NOT NULL,
	hook_lease_owner TEXT,
	hook_lease_until TEXT,
	-- the last outcome, for people: "exit 75: ..."
	hook_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_created_at ON events (created_at);
CREATE INDEX events_pending ON events (id) WHERE hook_state = 'pending';
CREATE INDEX events_pending_address ON events (address, id) WHERE hook_state = 'pending';
