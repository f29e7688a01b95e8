-- pgsql/0002-probes.sql: message mode's probes (version 2), the twin of
-- ../0002-probes.sql. A bounce to a message-mode return path that did not
-- come from our own MTA is only a lead (docs/verp.md, "Message form"):
-- rebound-pipe may then send the named recipient a probe with its own
-- recipient-mode return path, whose bounce decides. One row per address:
-- the last probe sent, so that an address gets at most one probe a day
-- however many leads name it. docs/schema.md describes the columns.
CREATE TABLE probes (
	recipient citext PRIMARY KEY,
	token text NOT NULL,
	sent_at timestamptz NOT NULL
);
