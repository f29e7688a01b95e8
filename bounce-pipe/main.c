/* main.c: rebound-pipe, the pipe(8) delivery program of the return domain.
 *   rebound-pipe -c FILE [-q QUEUEID] [-a CLIENT] [-e] RECIPIENT
 * Reads one message (bounded), decodes the VERP return path RECIPIENT,
 * parses the bounce, and records it with the policy in one transaction.
 * In message mode a bounce confirms its recipients only when it came from
 * our own MTA (-a: pipe(8)'s ${client_address}, empty for Postfix's own
 * bounces, or in trusted_networks); other ones are leads, for which it sends probes after the
 * commit (probe.c).
 * Exit status, as pipe(8) judges it: 0 only after the commit (or after a
 * message that is no bounce was logged and discarded or forwarded);
 * EX_TEMPFAIL (75) for everything else, so that Postfix keeps the message
 * and retries: locked, read-only or full database, I/O error, no memory,
 * and configuration errors too (Postfix 3.7 maps EX_CONFIG to 5.3.5, a
 * permanent error that would bounce the bounce; see rebound-pipe(8)).
 * Never another status because of the message's content. */
#include "bounce.h"
#include "config.h"
#include "log.h"
#include "pipe.h"
#include "policy.h"
#include "stdfds.h"
#include "store.h"
#include "store_report.h"
#include "verp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#define READ_CHUNK 65536
#define QUEUE_ID_MAX 64
/* At most one probe per address in this time (seconds). */
#define PROBE_INTERVAL 86400L

/* The state of one run; freed by pipe_free. */
struct pipe_run {
	const char *config_path, *return_path;
	const char *client; /* -a: the SMTP client the bounce came from ("" =
			       made by this Postfix); NULL: not given */
	char queue_id[QUEUE_ID_MAX + 1];
	struct config *cfg;
	struct store *st;
	struct verp_keys *keys;
	struct verp_codec *codec;
	struct bounce_rules *rules;
	struct bounce_report *report;
	char *data;
	size_t len;
};

static void pipe_free(struct pipe_run *p)
{
	bounce_report_free(p->report);
	bounce_rules_free(p->rules);
	verp_codec_free(p->codec);
	verp_keys_free(p->keys);
	store_close(p->st);
	config_free(p->cfg);
	free(p->data);
}

/* tempfail: log why, say it on stderr too (pipe(8) puts the program's
 * output into the defer reason), exit 75. */
static void tempfail(struct pipe_run *p, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void tempfail(struct pipe_run *p, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s: deferred: %s", p->queue_id, msg);
	fprintf(stderr, "rebound-pipe: %s\n", msg);
	pipe_free(p);
	exit(EX_TEMPFAIL);
}

/* read_message: stdin into p->data, at most limit + 1 bytes kept (the
 * parser sees that it was cut); the rest is read and dropped so that
 * Postfix's write does not fail. */
static int read_message(struct pipe_run *p, size_t limit, char *err, size_t errlen)
{
	size_t cap = 0, keep = limit + 1;
	char sink[READ_CHUNK];

	for (;;) {
		char *dst;
		size_t room;
		ssize_t r;

		if (p->len < keep) {
			if (cap - p->len < READ_CHUNK && cap < keep) {
				size_t ncap = cap ? cap * 2 : READ_CHUNK * 4;
				char *grown;

				if (ncap > keep)
					ncap = keep;
				if (!(grown = realloc(p->data, ncap + 1))) {
					snprintf(err, errlen, "out of memory reading the message");
					return -1;
				}
				p->data = grown;
				cap = ncap;
			}
			dst = p->data + p->len;
			room = cap - p->len;
		} else {
			dst = sink;
			room = sizeof(sink);
		}
		r = read(0, dst, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read the message: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			break;
		if (dst != sink)
			p->len += (size_t)r;
	}
	if (!p->data && !(p->data = malloc(1))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p->data[p->len] = '\0';
	return 0;
}

static void usage_fail(struct pipe_run *p, const char *why)
{
	tempfail(p, "%s (usage: rebound-pipe -c FILE [-q QUEUEID] [-a CLIENT] [-e] RECIPIENT)", why);
}

/* queue_id_set: Postfix queue ids are letters and digits; anything else
 * is replaced so that the log stays parseable. */
static void queue_id_set(struct pipe_run *p, const char *q)
{
	size_t i = 0;

	for (; q[i] && i < QUEUE_ID_MAX; i++)
		p->queue_id[i] = (q[i] >= '0' && q[i] <= '9') || (q[i] >= 'A' && q[i] <= 'Z') ||
					 (q[i] >= 'a' && q[i] <= 'z') ? q[i] : '?';
	p->queue_id[i] = '\0';
	if (i == 0)
		snprintf(p->queue_id, sizeof(p->queue_id), "NOQUEUE");
}

/* log_line: the one syslog line per recipient (rebound-pipe(8)). */
static void log_line(const struct pipe_run *p, const struct store_report_line *l, const char *token,
		     const char *verp_why)
{
	char rcpt[VERP_ADDRESS_MAX + 1], status[32], reason[64];
	const struct bounce_rcpt *r = l->rcpt;

	log_sanitize(rcpt, sizeof(rcpt), l->recipient);
	log_sanitize(status, sizeof(status), r ? r->status : "");
	log_sanitize(reason, sizeof(reason), r ? r->reason : "");
	if (l->ignored)
		log_info("%s: to=<%s>, status=%s, reason=%s, class=%s, verified=no, action=ignored "
			 "(not a recipient of message %s)", p->queue_id, rcpt, status, reason,
			 r ? bounce_class_name(r->class) : "", token);
	else if (l->probe != STORE_PROBE_NONE)
		log_info("%s: to=<%s>, status=%s, reason=%s, class=%s, verified=no, action=%s "
			 "(message %s, bounce not made by our MTA: a lead only; %s)", p->queue_id, rcpt, status,
			 reason, r ? bounce_class_name(r->class) : "", store_effect_name(l->effect), token,
			 store_report_probe_why(l->probe));
	else
		log_info("%s: to=<%s>, status=%s, reason=%s, class=%s, verified=%s, action=%s%s%s", p->queue_id, rcpt,
			 status, reason, r ? bounce_class_name(r->class) : "", l->verified ? "yes" : "no",
			 store_effect_name(l->effect), l->verified ? "" : ", verp=", l->verified ? "" : verp_why);
}

/* log_limited: say that the parser read the message within its bounds
 * (docs/parser.md, Limits), what lay beyond one having been dropped. */
static void log_limited(const struct pipe_run *p)
{
	if (p->report->limited)
		log_info("%s: the parser's bound on %s was reached: what lay beyond it was dropped", p->queue_id,
			 p->report->limited);
}

/* source_trusted: the bounce provably comes from our own MTA: pipe(8)'s
 * ${client_address} is empty (Postfix made it; or it was submitted with
 * sendmail(1) on this host), or the client is in trusted_networks. Not
 * when -a was not given (a master.cf of before): then nothing is known. */
static int source_trusted(const struct config *cfg, const char *client)
{
	if (!client)
		return 0;
	if (!*client)
		return 1;
	for (size_t i = 0; i < cfg->trusted_networks.n; i++) {
		struct config_net net;

		/* config_load checked every item with config_parse_net */
		if (config_parse_net(cfg->trusted_networks.items[i], &net) == 0 && config_net_contains(&net, client))
			return 1;
	}
	return 0;
}

/* probe: send the probe claimed for `to`; if it cannot be sent, release
 * the claim so that the next lead tries again. The bounce is committed
 * already: a failure is logged, never a reason to exit non-zero. */
static void probe(struct pipe_run *p, const char *to, time_t now)
{
	char err[512] = "", rp[VERP_MAX + 1], rcpt[VERP_ADDRESS_MAX + 1], rps[VERP_MAX + 1];

	log_sanitize(rcpt, sizeof(rcpt), to);
	if (pipe_probe_send(p->codec, to, now, rp, err, sizeof(err)) == 0) {
		log_info("%s: probe to=<%s>, return_path=<%s>: sent", p->queue_id, rcpt,
			 log_sanitize(rps, sizeof(rps), rp));
		return;
	}
	log_error("%s: probe to=<%s>: not sent: %s", p->queue_id, rcpt, err);
	if (store_probe_release(p->st, to, now, err, sizeof(err)) != STORE_OK)
		log_error("%s: probe to=<%s>: cannot forget it: %s", p->queue_id, rcpt, err);
}

int main(int argc, char **argv)
{
	struct pipe_run p = { .config_path = NULL };
	struct verp_decoded dec;
	struct policy pol;
	struct store_report_ctx rctx = { 0 };
	struct store_report_line *lines = NULL;
	size_t nlines = 0;
	enum verp_status vs;
	enum store_status ss;
	enum bounce_status bs;
	char err[1024] = "", rp[VERP_MAX + 1];
	time_t now = time(NULL);
	int c, to_stderr = 0, closed;

	/* before anything opens a file: a closed 0, 1 or 2 gets /dev/null
	 * (else syslog's socket would become standard input, read for ever) */
	closed = stdfds_ensure();
	snprintf(p.queue_id, sizeof(p.queue_id), "NOQUEUE");
	while ((c = getopt(argc, argv, "+c:q:a:e")) != -1) {
		switch (c) {
		case 'c': p.config_path = optarg; break;
		case 'a': p.client = optarg; break;
		case 'q': queue_id_set(&p, optarg); break;
		case 'e': to_stderr = 1; break;
		default:
			log_open("rebound-pipe", LOG_DEST_SYSLOG | LOG_DEST_STDERR);
			usage_fail(&p, "unknown option");
		}
	}
	log_open("rebound-pipe", LOG_DEST_SYSLOG | (to_stderr ? LOG_DEST_STDERR : 0));
	if (argc - optind != 1)
		usage_fail(&p, "one RECIPIENT argument expected");
	p.return_path = argv[optind];
	if (closed < 0)
		tempfail(&p, "cannot open /dev/null for a closed standard descriptor");
	if (closed & 1)
		tempfail(&p, "standard input is closed: no message to read");
	if (geteuid() == 0 || getuid() == 0)
		tempfail(&p, "refusing to run as root (set user= in master.cf)");
	/* files created here (database, WAL) are group-readable and -writable:
	 * Postfix's sqlite: table reads them as a member of the group */
	umask(007);
	if (config_load(p.config_path, &p.cfg, err, sizeof(err)) < 0)
		tempfail(&p, "configuration: %s", err);
	/* log_file: no reason to make Postfix retry the bounce; syslog instead */
	if (*p.cfg->log_file && log_open_file(p.cfg->log_file, err, sizeof(err)) < 0)
		log_error("%s; logging to syslog", err);
	policy_from_config(&pol, p.cfg);
	if (read_message(&p, (size_t)p.cfg->message_size_limit, err, sizeof(err)) < 0)
		tempfail(&p, "%s", err);
	if (*p.cfg->bounce_rules && bounce_rules_load(p.cfg->bounce_rules, &p.rules, err, sizeof(err)) < 0)
		tempfail(&p, "bounce_rules: %s", err);
	ss = store_open(p.cfg->database, p.cfg->database_timeout, STORE_CREATE, &p.st, err, sizeof(err));
	if (ss != STORE_OK)
		tempfail(&p, "database: %s", err);
	if (verp_keys_load(p.cfg->secret_file, &p.keys, err, sizeof(err)) < 0)
		tempfail(&p, "secret_file: %s", err);
	if (verp_codec_new(p.cfg, p.keys, store_verp_map(p.st), &p.codec) != VERP_OK)
		tempfail(&p, "cannot set up the VERP codec");

	/* who the bounce is for */
	snprintf(rp, sizeof(rp), "%.*s", VERP_MAX, p.return_path);
	vs = verp_decode(p.codec, rp, now, &dec);
	if (vs == VERP_TEMPFAIL || vs == VERP_NOMEM)
		tempfail(&p, "decoding the return path: %s", verp_strerror(vs));
	rctx.now = now;
	rctx.return_path = rp;
	rctx.queue_id = strcmp(p.queue_id, "NOQUEUE") ? p.queue_id : "";
	rctx.policy = &pol;
	rctx.verified = vs == VERP_OK;
	rctx.trusted = source_trusted(p.cfg, p.client);
	rctx.probes = p.cfg->message_probes;
	rctx.probe_interval = PROBE_INTERVAL;
	if (dec.form == VERP_FORM_MESSAGE && *dec.token)
		rctx.token = dec.token;
	else if (*dec.recipient)
		rctx.recipient = dec.recipient;
	if (vs != VERP_OK) {
		char claim[VERP_ADDRESS_MAX + 1], rpbuf[VERP_MAX + 1];

		log_warn("%s: return path <%s>: %s%s%s; recorded unverified, no address's state changes", p.queue_id,
			 log_sanitize(rpbuf, sizeof(rpbuf), rp), verp_strerror(vs), *dec.recipient ? ", claims " : "",
			 log_sanitize(claim, sizeof(claim), dec.recipient));
		rctx.token = NULL; /* an unverified token attributes nothing */
	}

	/* what it says */
	{
		struct bounce_options opt = {
			.message_size_limit = (size_t)p.cfg->message_size_limit,
			.known_recipient = vs == VERP_OK && !rctx.token ? rctx.recipient : NULL,
			.rules = p.rules,
		};

		bs = bounce_parse(p.data, p.len, &opt, &p.report, err, sizeof(err));
		if (bs == BOUNCE_ENOMEM)
			tempfail(&p, "out of memory parsing the message");
		if (bs != BOUNCE_OK)
			tempfail(&p, "parser: %s", err);
	}
	if (p.report->kind == BOUNCE_KIND_NOTBOUNCE) {
		char to[VERP_ADDRESS_MAX + 1];

		if (*p.cfg->forward_other_to) {
			/* <>: a failed forward must not come back here as a bounce */
			if (pipe_sendmail("<>", p.cfg->forward_other_to, p.data, p.len, err, sizeof(err)) < 0)
				tempfail(&p, "forwarding a message that is not a bounce: %s", err);
			log_info("%s: not a bounce, forwarded to <%s>%s", p.queue_id,
				 log_sanitize(to, sizeof(to), p.cfg->forward_other_to),
				 p.report->truncated ? " (cut at message_size_limit)" : "");
		} else {
			log_info("%s: not a bounce, discarded (forward_other_to is not set)", p.queue_id);
		}
		log_limited(&p);
		pipe_free(&p);
		return EX_OK;
	}

	/* one transaction; exit 0 only after it committed */
	ss = store_report_record(p.st, p.report, &rctx, &lines, &nlines, err, sizeof(err));
	if (ss != STORE_OK)
		tempfail(&p, "database: %s", err);
	for (size_t i = 0; i < nlines; i++)
		log_line(&p, &lines[i], rctx.token ? rctx.token : "", verp_strerror(vs));
	if (rctx.token && !p.client)
		log_warn("%s: message mode, but master.cf does not pass -a ${client_address}: no bounce can be "
			 "confirmed as our MTA's own (rebound-pipe(8))", p.queue_id);
	for (size_t i = 0; i < nlines; i++)
		if (lines[i].probe == STORE_PROBE_CLAIMED)
			probe(&p, lines[i].probe_to, now);
	if (p.report->truncated)
		log_info("%s: message cut at message_size_limit (%ld bytes)", p.queue_id, p.cfg->message_size_limit);
	log_limited(&p);
	free(lines);
	pipe_free(&p);
	return EX_OK;
}
