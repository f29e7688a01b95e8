/* rewrite.c: the decision and the new envelope sender for one message
 * (recipient mode, message mode, store errors); see rewrite.h. */
#include "rewrite.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "store.h"

/* Bytes of randomness in a message token (printed as hex). */
#define TOKEN_BYTES 12

int rewrite_xtext_valid(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '+') {
			if (!s[1] || !s[2] || !strchr(hex, s[1]) || !strchr(hex, s[2]))
				return 0;
			s += 2;
		} else if (c < 33 || c > 126 || c == '=') {
			return 0;
		}
	}
	return 1;
}

int rewrite_xtext(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;

		if (c < 33 || c > 126 || c == '+' || c == '=') {
			if (o + 3 >= outlen)
				return -1;
			snprintf(out + o, 4, "+%02X", c);
			o += 3;
		} else {
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)c;
		}
	}
	if (o >= outlen)
		return -1;
	out[o] = '\0';
	return 0;
}

int rewrite_token(char out[VERP_TOKEN_MAX + 1])
{
	unsigned char raw[TOKEN_BYTES];

	_Static_assert(2 * TOKEN_BYTES <= VERP_TOKEN_MAX, "token too long for VERP_TOKEN_MAX");
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/* in_return_domain: whether sender's domain is return_domain. */
static int in_return_domain(const char *sender, const char *domain)
{
	const char *at = strrchr(sender, '@');

	return at && strcasecmp(at + 1, domain) == 0;
}

/* Mailman's own bounce address with an extension: LIST-bounces+TOKEN@DOMAIN
 * (its probes, verp_probe_format) and LIST-bounces+USER=DOMAIN@DOMAIN (its
 * VERP'd deliveries, verp_format); Mailman 2 made the same. */
static const char LIST_VERP_MARK[] = "-bounces+";

/* list_manager_verp: whether sender is a return path the list manager made
 * for this one message to get its bounce itself (a probe): rewriting it
 * would take the bounce away from it (docs/mailman3.md). Its local part
 * holds LIST_VERP_MARK followed by an extension. */
static int list_manager_verp(const char *sender)
{
	const char *at = strrchr(sender, '@');
	size_t n = sizeof(LIST_VERP_MARK) - 1;

	for (const char *p = sender; at && p + n < at; p++)
		if (strncasecmp(p, LIST_VERP_MARK, n) == 0)
			return 1;
	return 0;
}

/* store_failed: apply on_store_error to a store (or map) failure. */
static void store_failed(const struct state *st, struct rewrite_result *out)
{
	if (st->cfg->on_store_error == CONFIG_STORE_ERROR_ACCEPT) {
		out->action = REWRITE_NONE;
		out->why = "store error, on_store_error = accept";
	} else {
		out->action = REWRITE_TEMPFAIL;
		out->why = "store";
	}
}

/* append_arg: " NAME=value" (or without the space first) to out->args. */
static int append_arg(struct rewrite_result *out, const char *name, const char *value)
{
	size_t len = strlen(out->args);
	int n = snprintf(out->args + len, sizeof(out->args) - len, "%s%s=%s", len ? " " : "", name, value);

	return n < 0 || (size_t)n >= sizeof(out->args) - len ? -1 : 0;
}

/* keep_dsn_args: the client's RET and ENVID, passed on with the change so
 * that the DSN request survives whatever the MTA does with the old ones. */
static int keep_dsn_args(const struct rewrite_msg *m, struct rewrite_result *out, int keep_envid)
{
	if (m->ret && append_arg(out, "RET", m->ret) < 0)
		return -1;
	if (keep_envid && m->envid && append_arg(out, "ENVID", m->envid) < 0)
		return -1;
	return 0;
}

/* attribute: recipient mode: record that the list (the sender before the
 * rewrite) mailed the recipient, so that its bounces name the list
 * (docs/verp.md, "Attribution"). A failure leaves out->detail set for the
 * log and changes nothing else: the return path works without it. */
static void attribute(const struct state *st, const struct rewrite_msg *m, const struct rewrite_store *rs,
		      time_t now, struct rewrite_result *out)
{
	struct store *store;

	out->detail[0] = '\0';
	if (!store_list_ok(m->sender))
		return;
	if (!(store = rs->get(rs->ctx, st, out->detail, sizeof(out->detail))))
		return;
	if (store_list_seen(store, m->sender, m->recipients[0], now, out->detail, sizeof(out->detail)) != STORE_OK)
		rs->broken(rs->ctx);
	else
		out->detail[0] = '\0';
}

/* recipient_mode: one recipient, its own return path. */
static void recipient_mode(const struct state *st, const struct rewrite_msg *m, const struct rewrite_store *rs,
			   time_t now, struct rewrite_result *out)
{
	enum verp_status vs = verp_encode(st->codec, m->recipients[0], now, out->return_path);

	if (vs == VERP_TOOLONG) {
		/* Too long for a local part: the compact form needs the store's map. */
		struct store *store = rs->get(rs->ctx, st, out->detail, sizeof(out->detail));
		struct verp_codec *codec = NULL;

		if (!store) {
			store_failed(st, out);
			return;
		}
		if (verp_codec_new(st->cfg, st->keys, store_verp_map(store), &codec) != VERP_OK) {
			out->action = REWRITE_TEMPFAIL;
			out->why = "error";
			snprintf(out->detail, sizeof(out->detail), "cannot set up the VERP codec");
			return;
		}
		vs = verp_encode(codec, m->recipients[0], now, out->return_path);
		verp_codec_free(codec);
		if (vs == VERP_TEMPFAIL) {
			rs->broken(rs->ctx);
			snprintf(out->detail, sizeof(out->detail), "store: cannot record a long recipient");
			store_failed(st, out);
			return;
		}
	}
	if (vs == VERP_NOMEM) {
		out->action = REWRITE_TEMPFAIL;
		out->why = "error";
		snprintf(out->detail, sizeof(out->detail), "out of memory");
		return;
	}
	if (vs != VERP_OK) {
		out->action = REWRITE_NONE;
		out->why = "recipient cannot be encoded";
		snprintf(out->detail, sizeof(out->detail), "%s", verp_strerror(vs));
		return;
	}
	if (keep_dsn_args(m, out, 1) < 0)
		out->args[0] = '\0'; /* cannot happen: RET and ENVID are bounded at MAIL FROM */
	attribute(st, m, rs, now, out);
	out->mode = "recipient";
	out->action = REWRITE_CHGFROM;
}

/* message_mode: several recipients, one return path with a token that the
 * store ties to the recipients; ENVID carries the token into DSNs. */
static void message_mode(const struct state *st, const struct rewrite_msg *m, const struct rewrite_store *rs,
			 time_t now, struct rewrite_result *out)
{
	char envid[REWRITE_ARGS_MAX];
	struct store *store;
	enum store_status ss;
	enum verp_status vs;

	if (rewrite_token(out->token) < 0) {
		out->action = REWRITE_TEMPFAIL;
		out->why = "error";
		snprintf(out->detail, sizeof(out->detail), "no random bytes for a message token");
		return;
	}
	vs = verp_encode_message(st->codec, out->token, now, out->return_path);
	if (vs != VERP_OK) {
		out->action = vs == VERP_NOMEM ? REWRITE_TEMPFAIL : REWRITE_NONE;
		out->why = vs == VERP_NOMEM ? "error" : "message token cannot be encoded";
		snprintf(out->detail, sizeof(out->detail), "%s", verp_strerror(vs));
		return;
	}
	if (!(store = rs->get(rs->ctx, st, out->detail, sizeof(out->detail)))) {
		store_failed(st, out);
		return;
	}
	ss = store_message_add(store, out->token, m->sender, m->recipients, m->nrecipients, now,
			       now + st->cfg->tag_lifetime, out->detail, sizeof(out->detail));
	if (ss != STORE_OK) {
		rs->broken(rs->ctx);
		store_failed(st, out);
		return;
	}
	if (rewrite_xtext(out->token, envid, sizeof(envid)) < 0 || append_arg(out, "ENVID", envid) < 0 ||
	    keep_dsn_args(m, out, 0) < 0) {
		out->action = REWRITE_TEMPFAIL;
		out->why = "error";
		snprintf(out->detail, sizeof(out->detail), "ESMTP arguments too long");
		return;
	}
	out->mode = "message";
	out->action = REWRITE_CHGFROM;
}

void rewrite_decide(const struct state *st, const struct rewrite_msg *m, const struct rewrite_store *rs,
		    time_t now, struct rewrite_result *out)
{
	memset(out, 0, sizeof(*out));
	out->action = REWRITE_NONE;
	if (!m->sender || m->sender[0] == '\0') {
		out->why = "null sender";
	} else if (in_return_domain(m->sender, st->cfg->return_domain)) {
		out->why = "sender already in return_domain";
	} else if (list_manager_verp(m->sender)) {
		out->why = "sender is the list manager's own VERP or probe address";
	} else if (m->nrecipients == 0) {
		out->why = "no recipients";
	} else if (!rules_match(&st->rules, &m->select)) {
		out->why = rules_any(&st->rules) ? "not list mail" : "no selection rule configured";
	} else if (m->nrecipients == 1) {
		recipient_mode(st, m, rs, now, out);
	} else {
		message_mode(st, m, rs, now, out);
	}
}
