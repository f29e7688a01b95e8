/* hooks.c: one pass of the event hook runner: claim, run, record the
 * outcome, log it; see hooks.h and docs/hooks.md. */
#include "hooks.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>
#include <openssl/rand.h>

#include "hook_exec.h"
#include "log.h"

/* err_set: printf into err (errlen bytes). */
__attribute__((format(printf, 3, 4))) static void err_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

long hooks_backoff(long attempts)
{
	long d = HOOKS_BACKOFF_FIRST;

	for (long i = 1; i < attempts && d < HOOKS_BACKOFF_MAX; i++)
		d *= 2;
	return d < HOOKS_BACKOFF_MAX ? d : HOOKS_BACKOFF_MAX;
}

void hooks_owner(char *buf, size_t len)
{
	char host[256] = "localhost";
	unsigned char r[6] = { 0 };

	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if (RAND_bytes(r, sizeof(r)) != 1) {
		/* the pid and time still tell runners apart on one host */
		long t = (long)time(NULL);

		memcpy(r, &t, sizeof(r) < sizeof(t) ? sizeof(r) : sizeof(t));
	}
	snprintf(buf, len, "%s:%ld:%02x%02x%02x%02x%02x%02x", host, (long)getpid(), r[0], r[1], r[2], r[3], r[4],
		 r[5]);
}

char *hooks_event_json(const struct store_event *e)
{
	JsonBuilder *b = json_builder_new();
	JsonGenerator *g;
	JsonNode *root;
	gchar *text;
	char *out;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "id");
	json_builder_add_int_value(b, e->id);
	json_builder_set_member_name(b, "created_at");
	json_builder_add_string_value(b, e->created_at);
	json_builder_set_member_name(b, "type");
	json_builder_add_string_value(b, e->type);
	json_builder_set_member_name(b, "address");
	json_builder_add_string_value(b, e->address);
	json_builder_set_member_name(b, "lists");
	json_builder_begin_array(b);
	/* lists are separated by single spaces and hold none (store_list_ok) */
	for (const char *p = e->lists; *p;) {
		size_t n = strcspn(p, " ");
		gchar *one = g_strndup(p, n);

		if (n)
			json_builder_add_string_value(b, one);
		g_free(one);
		p += n;
		while (*p == ' ')
			p++;
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "cause");
	json_builder_add_string_value(b, e->cause);
	json_builder_set_member_name(b, "reason");
	json_builder_add_string_value(b, e->reason);
	json_builder_set_member_name(b, "status");
	json_builder_add_string_value(b, e->status);
	json_builder_set_member_name(b, "class");
	json_builder_add_string_value(b, e->class_name);
	json_builder_set_member_name(b, "bounce_id");
	if (e->bounce_id > 0)
		json_builder_add_int_value(b, e->bounce_id);
	else
		json_builder_add_null_value(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	g = json_generator_new();
	json_generator_set_root(g, root);
	text = json_generator_to_data(g, NULL);
	out = text ? strdup(text) : NULL;
	g_free(text);
	g_object_unref(g);
	json_node_unref(root);
	g_object_unref(b);
	return out;
}

/* The event being delivered: a copy of the claimed row (the store's
 * strings live only during the callback). */
struct claimed {
	struct store_event e;
	char *strings[9];
	int nomem;
};

static int claimed_keep(void *ctx, const struct store_event *e)
{
	struct claimed *c = ctx;
	const char *src[9] = { e->created_at, e->type, e->address, e->lists, e->cause, e->reason, e->status,
			       e->class_name, e->hook_note };

	c->e = *e;
	for (int i = 0; i < 9; i++)
		if (!(c->strings[i] = strdup(src[i])))
			c->nomem = 1;
	if (c->nomem)
		return 1;
	c->e.created_at = c->strings[0];
	c->e.type = c->strings[1];
	c->e.address = c->strings[2];
	c->e.lists = c->strings[3];
	c->e.cause = c->strings[4];
	c->e.reason = c->strings[5];
	c->e.status = c->strings[6];
	c->e.class_name = c->strings[7];
	c->e.hook_note = c->strings[8];
	c->e.hook_state = "pending";
	c->e.hook_next_at = "";
	return 0;
}

static void claimed_free(struct claimed *c)
{
	for (int i = 0; i < 9; i++)
		free(c->strings[i]);
	memset(c, 0, sizeof(*c));
}

/* env_add: "NAME=value" as a new string at env[*n]; -1 out of memory. */
static int env_add(char **env, size_t *n, const char *name, const char *value)
{
	size_t len = strlen(name) + strlen(value) + 2;

	if (!(env[*n] = malloc(len)))
		return -1;
	snprintf(env[(*n)++], len, "%s=%s", name, value);
	return 0;
}

/* The environment of the hook: PATH and the REBOUND_* of docs/hooks.md. */
#define HOOK_ENV_MAX 16

static int build_env(const struct store_event *e, const struct hooks_config *hc, char **env)
{
	char id[24], bid[24], attempt[24];
	size_t n = 0;
	int rc = 0;

	snprintf(id, sizeof(id), "%lld", e->id);
	snprintf(bid, sizeof(bid), "%lld", e->bounce_id);
	snprintf(attempt, sizeof(attempt), "%ld", e->hook_attempts);
	rc |= env_add(env, &n, "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	rc |= env_add(env, &n, "REBOUND_EVENT_ID", id);
	rc |= env_add(env, &n, "REBOUND_EVENT_TYPE", e->type);
	rc |= env_add(env, &n, "REBOUND_EVENT_CREATED_AT", e->created_at);
	rc |= env_add(env, &n, "REBOUND_EVENT_ATTEMPT", attempt);
	rc |= env_add(env, &n, "REBOUND_ADDRESS", e->address);
	rc |= env_add(env, &n, "REBOUND_LISTS", e->lists);
	rc |= env_add(env, &n, "REBOUND_CAUSE", e->cause);
	rc |= env_add(env, &n, "REBOUND_REASON", e->reason);
	rc |= env_add(env, &n, "REBOUND_STATUS", e->status);
	rc |= env_add(env, &n, "REBOUND_CLASS", e->class_name);
	rc |= env_add(env, &n, "REBOUND_BOUNCE_ID", bid);
	rc |= env_add(env, &n, "REBOUND_CONFIG", hc->config_path ? hc->config_path : "");
	env[n] = NULL;
	return rc ? -1 : 0;
}

static void env_free(char **env)
{
	for (size_t i = 0; i < HOOK_ENV_MAX && env[i]; i++)
		free(env[i]);
}

/* finish: record the outcome; a lease that is gone is counted, logged and
 * not an error (another runner has the event now). */
static enum store_status finish(struct store *st, const struct store_event *e, const char *owner, const char *state,
				time_t next_at, const char *note, struct hooks_counts *c, char *err, size_t errlen)
{
	enum store_status s = store_hook_finish(st, e->id, owner, state, next_at, note, err, errlen);

	if (s == STORE_NOTFOUND) {
		log_warn("event %lld: the lease ran out before the hook's outcome (%s) was recorded: another runner "
			 "has the event now and may run the hook again",
			 e->id, note);
		c->lost++;
		return STORE_OK;
	}
	return s;
}

/* deliver: run the hook on the claimed event e and record the outcome. */
static enum store_status deliver(struct store *st, const struct hooks_config *hc, const char *owner,
				 const struct store_event *e, time_t now, time_t created, struct hooks_counts *c,
				 char *err, size_t errlen)
{
	char *env[HOOK_ENV_MAX + 1] = { NULL }, *argv[2] = { (char *)hc->hook, NULL };
	char what[160], out[HOOK_OUTPUT_MAX + 1], note[HOOK_OUTPUT_MAX + 200], addr[300];
	struct hook_result *res = malloc(sizeof(*res));
	char *json = hooks_event_json(e);
	enum store_status s;
	int retry;

	log_sanitize(addr, sizeof(addr), e->address);
	if (!res || !json || build_env(e, hc, env) < 0) {
		free(res);
		free(json);
		env_free(env);
		/* nothing ran: the lease expires and a later pass tries again */
		err_set(err, errlen, "out of memory");
		return STORE_TEMPFAIL;
	}
	hook_exec(hc->hook, argv, env, json, strlen(json), hc->timeout * 1000, res);
	env_free(env);
	free(json);
	hook_describe(res, hc->timeout * 1000, what, sizeof(what));
	/* one line for the log: its line breaks and tabs as spaces */
	for (char *p = res->output; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	log_sanitize(out, sizeof(out), res->output);
	snprintf(note, sizeof(note), "%s%s%s%s", what, *out ? ": " : "", out, res->truncated ? " [...]" : "");
	/* exit 75, or the hook could not be started (missing, not executable:
	 * a mistake of the administrator's that may be mended): try again */
	retry = (res->how == HOOK_EXITED && res->code == 75) || res->how == HOOK_EXEC_FAILED || res->how == HOOK_ERROR;
	if (res->how == HOOK_EXITED && res->code == 0) {
		log_info("event %lld: %s <%s>: hook done (%s, attempt %ld, %ld ms)%s%s", e->id, e->type, addr, what,
			 e->hook_attempts, res->elapsed_ms, *out ? ": " : "", out);
		c->done++;
		s = finish(st, e, owner, "done", now, note, c, err, errlen);
	} else if (retry) {
		time_t next = now + hooks_backoff(e->hook_attempts);
		char at[STORE_TIME_MAX];

		if (next - created > hc->give_up) {
			log_warn("event %lld: %s <%s>: hook given up after %ld attempts (the event would be older than "
				 "event_hook_give_up, %ld s, at the next): last: %s",
				 e->id, e->type, addr, e->hook_attempts, hc->give_up, note);
			c->expired++;
			s = finish(st, e, owner, "expired", now, note, c, err, errlen);
		} else {
			(res->how == HOOK_EXITED ? log_info : log_error)(
				"event %lld: %s <%s>: hook to be retried at %s (attempt %ld): %s", e->id, e->type, addr,
				store_time_format(next, at), e->hook_attempts, note);
			c->retried++;
			s = finish(st, e, owner, "pending", next, note, c, err, errlen);
		}
	} else {
		log_error("event %lld: %s <%s>: hook failed for good (attempt %ld): %s", e->id, e->type, addr,
			  e->hook_attempts, note);
		c->failed++;
		s = finish(st, e, owner, "failed", now, note, c, err, errlen);
	}
	free(res);
	return s;
}

/* parse_time: ISO text of the store to time_t; 0 if it does not parse. */
static time_t parse_time(const char *s)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);

	return end && !*end ? timegm(&tm) : 0;
}

enum store_status hooks_run_pass(struct store *st, const struct hooks_config *hc, const char *owner,
				 time_t (*clock)(void), struct hooks_counts *c, char *err, size_t errlen)
{
	enum store_status s = STORE_OK;

	memset(c, 0, sizeof(*c));
	for (long i = 0; i < HOOKS_PASS_MAX && s == STORE_OK; i++) {
		struct claimed cl = { .nomem = 0 };
		time_t now = clock(), created;
		int got = 0;

		s = store_hook_claim(st, owner, now, hc->timeout + HOOKS_LEASE_MARGIN, claimed_keep, &cl, &got, err,
				     errlen);
		if (s == STORE_OK && got && cl.nomem) {
			err_set(err, errlen, "out of memory");
			s = STORE_TEMPFAIL;
		}
		if (s != STORE_OK || !got) {
			claimed_free(&cl);
			break;
		}
		created = parse_time(cl.e.created_at);
		if (now - created >= hc->give_up) {
			char addr[300];

			log_warn("event %lld: %s <%s>: hook given up: the event is older than event_hook_give_up (%ld s)%s%s",
				 cl.e.id, cl.e.type, log_sanitize(addr, sizeof(addr), cl.e.address), hc->give_up,
				 *cl.e.hook_note ? "; last: " : "", cl.e.hook_note);
			c->expired++;
			s = finish(st, &cl.e, owner, "expired", now, "given up: older than event_hook_give_up", c, err,
				   errlen);
		} else {
			s = deliver(st, hc, owner, &cl.e, clock(), created, c, err, errlen);
		}
		claimed_free(&cl);
	}
	return s;
}
