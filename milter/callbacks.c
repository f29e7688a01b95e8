/* callbacks.c: the libmilter callbacks of rebound-milter. A connection
 * context (struct conn) is made at negotiation and freed at close; it owns
 * the message context (struct msg) and a lazily opened store handle. A
 * message context is made at MAIL FROM and freed by msg_end(), the one
 * cleanup path, called from envfrom (a new message), abort, eom and close.
 * libmilter calls the callbacks of one connection one at a time, so the
 * contexts need no lock; what connections share (the configuration
 * snapshot, state.c) is reference-counted under a lock. A store handle
 * outlives its connection in a small pool (store_pool_*), since Postfix
 * opens a milter connection per SMTP connection. */
#include "callbacks.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "rates.h"
#include "reputation.h"
#include "rewrite.h"
#include "rules.h"
#include "state.h"
#include "store.h"

/* Recipients kept per message; more and the message passes unchanged (with
 * a warning): Postfix's smtpd_recipient_limit defaults to 1000. */
#define MSG_RCPT_MAX 10000

struct msg {
	struct state *st;       /* reference taken at MAIL FROM */
	char *sender;           /* without angle brackets */
	char *ret, *envid;      /* the client's DSN arguments, NULL if none */
	char *sasl_user, *client_addr, *service;
	char **rcpts;
	size_t nrcpts, cap;
	int too_many;           /* more than MSG_RCPT_MAX recipients */
	int list_header;
	int failed;             /* out of memory on the way: tempfail at end */
};

/* A store handle and what it was opened for. */
struct store_ref {
	struct store *store;
	unsigned long gen;      /* snapshot generation it was opened under */
	dev_t dev;              /* the database file it has open */
	ino_t ino;
};

struct conn {
	int no_chgfrom;         /* the MTA cannot change the sender: tempfail */
	int quarantine;         /* the MTA offers QUARANTINE (hold a paused list's mail) */
	int nr_mail, nr_rcpt, nr_hdr; /* steps that expect no reply */
	struct msg *msg;
	struct store_ref store; /* taken or opened when first needed; .store NULL if none */
};

/* Store handles kept between connections. Postfix opens one milter
 * connection per SMTP connection, and a list server that sends one message
 * per connection would otherwise open the database (open, pragmas, schema
 * check) for every message in message mode: measured, opening and closing
 * took 23% of the milter's CPU there, more than the commit's fdatasync
 * (docs/postfix.md). A connection takes a handle when it first needs the
 * store and gives it back at close, unless it failed; handles of an older
 * configuration, or whose database file was removed or replaced since,
 * are closed instead of used (a PostgreSQL store: only those of an older
 * configuration; a broken connection is opened again by the store). A handle is used by one thread at a time
 * (SQLITE_OPEN_NOMUTEX): the pool's lock orders the hand-over. */
#define STORE_POOL_MAX 16
static pthread_mutex_t store_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_ref store_pool[STORE_POOL_MAX];
static size_t store_pool_n;
static int store_pool_closed; /* callbacks_shutdown: no more handles kept */

static atomic_int callbacks_nmsg;
static int callbacks_tcp; /* set once before libmilter starts */
static int callbacks_verbose; /* -v: log the macros of each MAIL FROM */

void callbacks_init(int tcp, int verbose)
{
	callbacks_tcp = tcp;
	callbacks_verbose = verbose;
}

int callbacks_active(void)
{
	return atomic_load(&callbacks_nmsg);
}

/* msg_end: the one cleanup path of a message context. */
static void msg_end(struct conn *c)
{
	struct msg *m = c->msg;

	if (!m)
		return;
	c->msg = NULL;
	atomic_fetch_sub(&callbacks_nmsg, 1);
	state_release(m->st);
	for (size_t i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
	free(m->rcpts);
	free(m->sender);
	free(m->ret);
	free(m->envid);
	free(m->sasl_user);
	free(m->client_addr);
	free(m->service);
	free(m);
}

/* store_ref_current: whether r was opened under generation gen and path
 * is still the file it has open (not removed, renamed or replaced). */
static int store_ref_current(const struct store_ref *r, unsigned long gen, const char *path)
{
	struct stat sb;

	/* a PostgreSQL server: no file; the store reconnects by itself */
	if (store_is_server(path))
		return r->gen == gen;
	return r->gen == gen && stat(path, &sb) == 0 && sb.st_dev == r->dev && sb.st_ino == r->ino;
}

/* store_pool_take: a kept handle for generation gen and path, or one with
 * .store NULL. Handles that are not current any more are closed. */
static struct store_ref store_pool_take(unsigned long gen, const char *path)
{
	struct store_ref r = { 0 }, stale[STORE_POOL_MAX];
	size_t nstale = 0;

	pthread_mutex_lock(&store_pool_lock);
	while (store_pool_n > 0 && !r.store) {
		struct store_ref x = store_pool[--store_pool_n];

		if (x.gen == gen)
			r = x;
		else
			stale[nstale++] = x;
	}
	pthread_mutex_unlock(&store_pool_lock);
	for (size_t i = 0; i < nstale; i++)
		store_close(stale[i].store);
	/* (stat outside the lock) */
	if (r.store && !store_ref_current(&r, gen, path)) {
		store_close(r.store);
		r.store = NULL;
	}
	return r;
}

/* store_pool_give: keep r for a later connection, or close it. */
static void store_pool_give(struct store_ref r)
{
	pthread_mutex_lock(&store_pool_lock);
	if (!store_pool_closed && store_pool_n < STORE_POOL_MAX) {
		store_pool[store_pool_n++] = r;
		r.store = NULL;
	}
	pthread_mutex_unlock(&store_pool_lock);
	if (r.store)
		store_close(r.store);
}

void callbacks_shutdown(void)
{
	struct store_ref all[STORE_POOL_MAX];
	size_t n;

	pthread_mutex_lock(&store_pool_lock);
	store_pool_closed = 1;
	n = store_pool_n;
	memcpy(all, store_pool, n * sizeof(all[0]));
	store_pool_n = 0;
	pthread_mutex_unlock(&store_pool_lock);
	for (size_t i = 0; i < n; i++)
		store_close(all[i].store);
}

/* conn_store_drop: close the connection's handle (after an error, or for
 * an older configuration): it is not kept. */
static void conn_store_drop(struct conn *c)
{
	if (c->store.store) {
		store_close(c->store.store);
		c->store.store = NULL;
	}
}

/* conn_store_get: the connection's store handle: its own, else one kept
 * from an earlier connection, else a new one; replaced when opened under
 * an older configuration. The handle is used by one thread at a time (the
 * one running this connection's callbacks). */
static struct store *conn_store_get(void *ctx, const struct state *st, char *err, size_t errlen)
{
	struct conn *c = ctx;
	struct stat sb;

	if (c->store.store && c->store.gen != st->generation)
		conn_store_drop(c);
	if (!c->store.store)
		c->store = store_pool_take(st->generation, st->cfg->database);
	if (!c->store.store) {
		if (store_open(st->cfg->database, st->cfg->database_timeout, STORE_CREATE, &c->store.store, err,
			       errlen) != STORE_OK) {
			c->store.store = NULL;
			return NULL;
		}
		c->store.gen = st->generation;
		/* The file it opened (created if it was missing); if it cannot
		 * be named, the handle is used but not kept (dev/ino 0 never
		 * match a file). */
		c->store.dev = 0;
		c->store.ino = 0;
		if (stat(st->cfg->database, &sb) == 0) {
			c->store.dev = sb.st_dev;
			c->store.ino = sb.st_ino;
		}
	}
	return c->store.store;
}

static void conn_store_broken(void *ctx)
{
	conn_store_drop(ctx);
}

/* conn_get: the connection context; made here if libmilter skipped
 * negotiation for this connection (then no step is no-reply). */
static struct conn *conn_get(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (!c && (c = calloc(1, sizeof(*c)))) {
		if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
			free(c);
			return NULL;
		}
	}
	return c;
}

/* strip_brackets: a copy of "<addr>" without the brackets. */
static char *strip_brackets(const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
		return strndup(s + 1, n - 2);
	return strdup(s);
}

/* dup_macro: a copy of a macro's value, NULL if the MTA did not send it
 * (copies: libmilter's values change with the next command). */
static int dup_macro(SMFICTX *ctx, const char *name, char **out)
{
	const char *v = smfi_getsymval(ctx, (char *)name);

	*out = NULL;
	if (!v || !*v)
		return 0;
	return (*out = strdup(v)) ? 0 : -1;
}

static sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
			     unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
			     unsigned long *pf3)
{
	struct conn *c = conn_get(ctx);
	struct state *st = state_acquire();
	int headers = st && st->rules.headers;
	unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOBODY | SMFIP_NOEOH | SMFIP_NOUNKNOWN |
			     SMFIP_NODATA | SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_EOH | SMFIP_NR_BODY |
			     SMFIP_NR_DATA | SMFIP_NR_UNKN;

	(void)f2;
	(void)f3;
	state_release(st);
	if (!c)
		return SMFIS_REJECT; /* out of memory: the MTA applies milter_default_action */
	*pf2 = *pf3 = 0;
	if (!(f0 & SMFIF_CHGFROM)) {
		log_error("the MTA does not offer the CHGFROM action (change of envelope sender): "
			  "answering MAIL FROM with a temporary failure (Postfix 2.6 or later is needed)");
		c->no_chgfrom = 1;
		*pf0 = 0;
		/* Keep MAIL FROM, with a reply, to answer it. */
		*pf1 = f1 & (skip | SMFIP_NORCPT | SMFIP_NOHDRS);
		return SMFIS_CONTINUE;
	}
	*pf0 = SMFIF_CHGFROM | (f0 & (SMFIF_SETSYMLIST | SMFIF_QUARANTINE));
	c->quarantine = !!(f0 & SMFIF_QUARANTINE);
	/* No replies to MAIL, RCPT and headers saves round trips on a unix
	 * socket. Over TCP it costs more than it saves: Postfix then sends
	 * those small packets back to back, and Nagle's algorithm on its
	 * socket holds each until this side's delayed ACK of the one before
	 * (measured: ~80 msg/s with, ~105 without; docs/postfix.md). */
	if (!callbacks_tcp)
		skip |= SMFIP_NR_MAIL | SMFIP_NR_RCPT | (headers ? SMFIP_NR_HDR : 0);
	if (!headers)
		skip |= SMFIP_NOHDRS;
	*pf1 = f1 & skip;
	c->nr_mail = !!(*pf1 & SMFIP_NR_MAIL);
	c->nr_rcpt = !!(*pf1 & SMFIP_NR_RCPT);
	c->nr_hdr = !!(*pf1 & SMFIP_NR_HDR);
	if (*pf0 & SMFIF_SETSYMLIST) {
		/* Ask for exactly the macros selection and logging use, so that
		 * main.cf needs no milter_*_macros (they apply when the MTA
		 * cannot take this list). */
		if (smfi_setsymlist(ctx, SMFIM_ENVFROM, "{auth_authen} {client_addr} {daemon_name}") != MI_SUCCESS ||
		    smfi_setsymlist(ctx, SMFIM_EOM, "i") != MI_SUCCESS)
			log_warn("cannot ask the MTA for macros: main.cf's milter_mail_macros must list "
				 "{auth_authen} {client_addr} {daemon_name}");
	}
	return SMFIS_CONTINUE;
}

/* esmtp_args: keep the client's RET and ENVID (validated) from MAIL FROM. */
static void esmtp_args(struct msg *m, char **argv)
{
	for (int i = 1; argv[i]; i++) {
		const char *a = argv[i];

		if (strncasecmp(a, "RET=", 4) == 0) {
			if (strcasecmp(a + 4, "HDRS") && strcasecmp(a + 4, "FULL"))
				continue;
			free(m->ret);
			if (!(m->ret = strdup(a + 4)))
				m->failed = 1;
		} else if (strncasecmp(a, "ENVID=", 6) == 0) {
			if (strlen(a + 6) > 3 * REWRITE_ENVID_MAX || !rewrite_xtext_valid(a + 6))
				continue;
			free(m->envid);
			if (!(m->envid = strdup(a + 6)))
				m->failed = 1;
		}
	}
}

static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_get(ctx);
	struct msg *m;

	if (!c)
		return SMFIS_TEMPFAIL;
	msg_end(c);
	if (c->no_chgfrom) {
		smfi_setreply(ctx, "451", "4.3.5",
			      "rebound-milter: the mail server cannot change the envelope sender (milter CHGFROM)");
		return SMFIS_TEMPFAIL;
	}
	/* A failure here cannot be answered when MAIL expects no reply: it is
	 * kept in the context and answered at end of message. */
	if (!(m = calloc(1, sizeof(*m))))
		return c->nr_mail ? SMFIS_NOREPLY : SMFIS_TEMPFAIL;
	c->msg = m;
	atomic_fetch_add(&callbacks_nmsg, 1);
	m->st = state_acquire();
	if (!m->st || !argv || !argv[0] || !(m->sender = strip_brackets(argv[0])))
		m->failed = 1;
	else
		esmtp_args(m, argv);
	if (m->ret || m->envid) {
		char envid[3 * REWRITE_ENVID_MAX + 1];

		log_debug("MAIL FROM <%s> with RET=%s ENVID=%s", m->sender, m->ret ? m->ret : "-",
			  log_sanitize(envid, sizeof(envid), m->envid ? m->envid : "-"));
	}
	if (dup_macro(ctx, "{auth_authen}", &m->sasl_user) < 0 ||
	    dup_macro(ctx, "{client_addr}", &m->client_addr) < 0 ||
	    dup_macro(ctx, "{daemon_name}", &m->service) < 0)
		m->failed = 1;
	if (callbacks_verbose) {
		/* -v: what the MTA sent for the selection rules (troubleshooting;
		 * tests/milter-postfix checks SASL and sendmail(1) mail with it) */
		char a[256], b[64], d[256];

		log_debug("MAIL FROM <%s>: {auth_authen}=%s {client_addr}=%s {daemon_name}=%s",
			  m->sender ? m->sender : "",
			  m->sasl_user ? log_sanitize(a, sizeof(a), m->sasl_user) : "(none)",
			  m->client_addr ? log_sanitize(b, sizeof(b), m->client_addr) : "(none)",
			  m->service ? log_sanitize(d, sizeof(d), m->service) : "(none)");
	}
	return c->nr_mail ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg *m = c ? c->msg : NULL;
	sfsistat next = c && c->nr_rcpt ? SMFIS_NOREPLY : SMFIS_CONTINUE;

	if (!m || !argv || !argv[0])
		return next;
	if (m->nrcpts >= MSG_RCPT_MAX) {
		m->too_many = 1;
		return next;
	}
	if (m->nrcpts == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 4;
		char **r = realloc(m->rcpts, cap * sizeof(char *));

		if (!r) {
			m->failed = 1;
			return next;
		}
		m->rcpts = r;
		m->cap = cap;
	}
	if (!(m->rcpts[m->nrcpts] = strip_brackets(argv[0])))
		m->failed = 1;
	else
		m->nrcpts++;
	return next;
}

static sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c && c->msg && rules_header_marks_list(name, value))
		c->msg->list_header = 1;
	return c && c->nr_hdr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* eom_tempfail: log why and answer 451. */
static sfsistat eom_tempfail(SMFICTX *ctx, const char *qid, const char *from, size_t nrcpt, const char *what)
{
	log_error("%s: from=<%s>, nrcpt=%zu: temporary failure: %s", qid, from, nrcpt, what);
	smfi_setreply(ctx, "451", "4.3.0", "rebound-milter: temporary failure, try again later");
	return SMFIS_TEMPFAIL;
}

/* eom_paused: a message of a paused list (docs/reputation.md): held in
 * Postfix's hold queue (rewritten as usual, so that `postsuper -H` sends
 * it on as it would have gone) or deferred, as the list's
 * rate_pause_action says. Not counted as sent. An MTA that cannot hold
 * (no QUARANTINE) gets a deferral. */
static sfsistat eom_paused(SMFICTX *ctx, const struct conn *c, const struct msg *m, const char *qid,
			   const char *from, struct rewrite_result *res)
{
	struct rates_limits lim;
	char reason[2 * VERP_ADDRESS_MAX + 64];

	config_rate_limits(m->st->cfg, m->sender, &lim);
	if (lim.action == RATES_ACTION_HOLD && c->quarantine) {
		if (smfi_chgfrom(ctx, res->return_path, res->args[0] ? res->args : NULL) != MI_SUCCESS)
			return eom_tempfail(ctx, qid, from, m->nrcpts, "the MTA refused the sender change");
		snprintf(reason, sizeof(reason), "rebound: list <%s> is paused (rebound resume %s)", from, from);
		if (smfi_quarantine(ctx, reason) != MI_SUCCESS)
			return eom_tempfail(ctx, qid, from, m->nrcpts, "the MTA refused to hold a paused list's message");
		log_info("%s: from=<%s>, return_path=<%s>, nrcpt=%zu: held: the list is paused", qid, from,
			 res->return_path, m->nrcpts);
		return SMFIS_CONTINUE;
	}
	if (lim.action == RATES_ACTION_HOLD)
		log_warn("%s: the MTA cannot hold messages (no milter QUARANTINE): deferring instead", qid);
	log_info("%s: from=<%s>, nrcpt=%zu: deferred: the list is paused", qid, from, m->nrcpts);
	smfi_setreply(ctx, "451", "4.7.1", "rebound-milter: this list is paused for its bounce or complaint rate");
	return SMFIS_TEMPFAIL;
}

static sfsistat cb_eom(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg *m = c ? c->msg : NULL;
	const char *qid = smfi_getsymval(ctx, "i");
	char from[VERP_ADDRESS_MAX + 1], sqid[64];
	struct rewrite_result *res;
	struct rewrite_msg rm;
	struct rewrite_store rs = { conn_store_get, conn_store_broken, c };
	sfsistat ret = SMFIS_CONTINUE;
	time_t now = time(NULL);

	log_sanitize(sqid, sizeof(sqid), qid && *qid ? qid : "NOQUEUE");
	if (!m)
		return SMFIS_CONTINUE;
	log_sanitize(from, sizeof(from), m->sender ? m->sender : "");
	if (m->failed) {
		ret = eom_tempfail(ctx, sqid, from, m->nrcpts, "out of memory or no configuration");
		msg_end(c);
		return ret;
	}
	if (m->too_many) {
		log_warn("%s: from=<%s>: more than %d recipients: not rewritten", sqid, from, MSG_RCPT_MAX);
		msg_end(c);
		return SMFIS_CONTINUE;
	}
	if (!(res = malloc(sizeof(*res)))) {
		ret = eom_tempfail(ctx, sqid, from, m->nrcpts, "out of memory");
		msg_end(c);
		return ret;
	}
	rm = (struct rewrite_msg){
		.sender = m->sender,
		.recipients = (const char *const *)m->rcpts,
		.nrecipients = m->nrcpts,
		.ret = m->ret,
		.envid = m->envid,
		.select = { m->sender, m->sasl_user, m->client_addr, m->service, m->list_header },
	};
	rewrite_decide(m->st, &rm, &rs, now, res);
	switch (res->action) {
	case REWRITE_NONE:
		if (res->detail[0])
			log_warn("%s: from=<%s>, nrcpt=%zu: not rewritten: %s: %s", sqid, from, m->nrcpts, res->why,
				 res->detail);
		else
			log_debug("%s: from=<%s>, nrcpt=%zu: not rewritten: %s", sqid, from, m->nrcpts, res->why);
		break;
	case REWRITE_TEMPFAIL: {
		char what[600];

		snprintf(what, sizeof(what), "%s%s%s", strcmp(res->why, "store") == 0 ? "store: " : "",
			 res->detail, strcmp(res->why, "store") == 0 ? " (on_store_error = tempfail)" : "");
		ret = eom_tempfail(ctx, sqid, from, m->nrcpts, what);
		break;
	}
	case REWRITE_CHGFROM:
		/* list mail: a paused list's is held or deferred, others counted */
		if (reputation_paused(m->sender)) {
			ret = eom_paused(ctx, c, m, sqid, from, res);
			break;
		}
		reputation_count(m->sender, m->nrcpts, now);
		if (smfi_chgfrom(ctx, res->return_path, res->args[0] ? res->args : NULL) != MI_SUCCESS) {
			ret = eom_tempfail(ctx, sqid, from, m->nrcpts, "the MTA refused the sender change");
			break;
		}
		log_info("%s: from=<%s>, return_path=<%s>, nrcpt=%zu, mode=%s", sqid, from, res->return_path,
			 m->nrcpts, res->mode);
		if (res->detail[0])
			log_warn("%s: from=<%s>: list not recorded for the recipient (its bounces will name no "
				 "list): %s", sqid, from, res->detail);
		break;
	}
	free(res);
	msg_end(c);
	return ret;
}

static sfsistat cb_abort(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c)
		msg_end(c);
	return SMFIS_CONTINUE;
}

static sfsistat cb_close(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (!c)
		return SMFIS_CONTINUE;
	msg_end(c);
	if (c->store.store) {
		store_pool_give(c->store);
		c->store.store = NULL;
	}
	smfi_setpriv(ctx, NULL);
	free(c);
	return SMFIS_CONTINUE;
}

static struct smfiDesc callbacks_filter = {
	.xxfi_name = "rebound-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_CHGFROM | SMFIF_SETSYMLIST | SMFIF_QUARANTINE,
	.xxfi_connect = NULL,
	.xxfi_helo = NULL,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = NULL,
	.xxfi_body = NULL,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_unknown = NULL,
	.xxfi_data = NULL,
	.xxfi_negotiate = cb_negotiate,
};

struct smfiDesc *callbacks_desc(void)
{
	return &callbacks_filter;
}
