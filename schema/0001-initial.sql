-- 0001-initial.sql: rebound's first schema (user_version 1).
-- Applied by lib/store_sqlite.c when a program opens the database, inside
-- an exclusive transaction; this file and the copy compiled into
-- lib/store_schema.c must stay identical (tests/unit/test_store.c checks).
-- Times are UTC, ISO 8601 text: 2026-11-27T21:13:35Z. docs/schema.md
-- describes every column.

-- One row per recipient per bounce received.
CREATE TABLE bounces (
	id INTEGER PRIMARY KEY,
	received_at TEXT NOT NULL,
	recipient TEXT NOT NULL COLLATE NOCASE,
	verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
	return_path TEXT NOT NULL,
	queue_id TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	action TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	smtp_code TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	class TEXT NOT NULL DEFAULT '',
	permanent INTEGER NOT NULL DEFAULT 0 CHECK (permanent IN (0, 1)),
	diagnostic TEXT NOT NULL DEFAULT '',
	remote_mta TEXT NOT NULL DEFAULT '',
	reporting_mta TEXT NOT NULL DEFAULT '',
	original_message_id TEXT NOT NULL DEFAULT '',
	original_envelope_id TEXT NOT NULL DEFAULT '',
	message_token TEXT NOT NULL DEFAULT '',
	-- what the suppression policy made of it: suppressed, counted,
	-- not-counted, already-suppressed, unverified
	effect TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bounces_recipient ON bounces (recipient, received_at);
CREATE INDEX bounces_received_at ON bounces (received_at);
CREATE INDEX bounces_queue_id ON bounces (queue_id) WHERE queue_id <> '';

-- One row per address that ever bounced (or was suppressed by hand).
CREATE TABLE recipients (
	address TEXT PRIMARY KEY COLLATE NOCASE,
	state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'suppressed')),
	hard_bounces INTEGER NOT NULL DEFAULT 0,
	soft_bounces INTEGER NOT NULL DEFAULT 0,
	complaints INTEGER NOT NULL DEFAULT 0,
	first_bounce_at TEXT,
	last_bounce_at TEXT,
	suppressed_at TEXT,
	suppressed_reason TEXT,
	-- soft bounces before this time no longer count (set by unsuppress)
	counted_since TEXT
) WITHOUT ROWID;

-- Message mode (rebound-milter): a message sent to several recipients
-- carries a token in its return path; these are the recipients it went to.
CREATE TABLE messages (
	token TEXT PRIMARY KEY,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX messages_expires_at ON messages (expires_at);
CREATE TABLE message_recipients (
	token TEXT NOT NULL REFERENCES messages (token) ON DELETE CASCADE,
	recipient TEXT NOT NULL COLLATE NOCASE,
	PRIMARY KEY (token, recipient)
) WITHOUT ROWID;

-- The compact VERP form: an id in the return path stands for a recipient
-- too long to spell out in a local part (lib/verp.h, struct verp_map).
CREATE TABLE verp_ids (
	id TEXT PRIMARY KEY,
	recipient TEXT NOT NULL,
	created_at TEXT NOT NULL,
	last_used_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE VIEW suppressed AS
	SELECT address, suppressed_at AS since, suppressed_reason AS reason
	FROM recipients WHERE state = 'suppressed';

CREATE VIEW recent_bounces AS
	SELECT received_at, recipient, class, reason, status, verified, effect, diagnostic
	FROM bounces
	WHERE received_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-7 days')
	ORDER BY received_at DESC, id DESC;
