/* test_hooks.c: the event hook runner: hook_exec (exit codes, output bound,
 * the timeout killing the hook and what it started, a hook that does not
 * read its input, one that cannot be run) and hooks_run_pass on the store
 * (done, retries with backoff until given up, failed for good, order per
 * address, two runners at once delivering each event once). The store
 * part runs on SQLite files, and on PostgreSQL when REBOUND_TEST_PG is set
 * (store_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hook_exec.h"
#include "hooks.h"
#include "policy.h"
#include "store.h"
#include "store_fixture.h"

#define T0 1795000000L /* 2026-11-18 */

/* The test hook: what it does is in $DIR/mode ("0", "75", "1", "slow",
 * "sleep" (0.3 s, then 0)); it appends "ID ADDRESS ATTEMPT" to $DIR/log
 * and its standard input to $DIR/in. */
static const char hook_script[] =
	"#!/bin/sh\n"
	"d=$(dirname \"$0\")\n"
	"cat >>\"$d/in\"; echo >>\"$d/in\"\n"
	"echo \"$REBOUND_EVENT_ID $REBOUND_ADDRESS $REBOUND_EVENT_ATTEMPT\" >>\"$d/log\"\n"
	"echo \"hook says: mode $(cat \"$d/mode\")\"\n"
	"case $(cat \"$d/mode\") in\n"
	"0) exit 0 ;;\n"
	"75) exit 75 ;;\n"
	"slow) sleep 30 & echo $! >\"$d/bgpid\"; sleep 30; exit 0 ;;\n"
	"sleep) sleep 0.3; exit 0 ;;\n"
	"*) exit 1 ;;\n"
	"esac\n";

struct fixture {
	struct store_fixture s; /* the store and the directory of the hook */
	char hook[128];
};

static time_t fake_now;
static time_t fake_clock(void)
{
	return fake_now;
}

static void put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char p[256];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(fp = fopen(p, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(p, mode), 0);
}

/* read_file: the text of dir/name (static buffer; "" if none). */
static const char *read_file(const char *dir, const char *name)
{
	static char buf[8192];
	char p[256];
	FILE *fp;
	size_t n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	buf[0] = '\0';
	if (!(fp = fopen(p, "r")))
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fixture_open(&fx->s);
	put_file(fx->s.dir, "hook", hook_script, 0755);
	put_file(fx->s.dir, "mode", "0", 0644);
	snprintf(fx->hook, sizeof(fx->hook), "%s/hook", fx->s.dir);
	fake_now = T0;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int rc = fixture_close(&fx->s);

	free(fx);
	return rc;
}

/* --- hook_exec ----------------------------------------------------------------- */

static void run(struct fixture *fx, const char *mode, long timeout_ms, const char *input, struct hook_result *r)
{
	char *argv[] = { fx->hook, NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", "REBOUND_EVENT_ID=7", "REBOUND_ADDRESS=a@example.com", NULL };

	put_file(fx->s.dir, "mode", mode, 0644);
	assert_int_equal(hook_exec(fx->hook, argv, envp, input, strlen(input), timeout_ms, r), 0);
}

static void test_exec(void **state)
{
	struct fixture *fx = *state;
	struct hook_result r;
	char *argv[] = { "/nonexistent/hook", NULL }, *envp[] = { NULL }, what[128];
	char *big = malloc(1 << 20);

	run(fx, "0", 5000, "{\"id\":7}", &r);
	assert_int_equal(r.how, HOOK_EXITED);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.output, "hook says: mode 0\n");
	assert_string_equal(read_file(fx->s.dir, "in"), "{\"id\":7}\n");
	assert_string_equal(read_file(fx->s.dir, "log"), "7 a@example.com \n");
	run(fx, "75", 5000, "", &r);
	assert_int_equal(r.how, HOOK_EXITED);
	assert_int_equal(r.code, 75);
	run(fx, "1", 5000, "", &r);
	assert_int_equal(r.code, 1);
	assert_string_equal(hook_describe(&r, 5000, what, sizeof(what)), "exit 1");
	/* killed at the timeout, with what it started (the sleep in the background) */
	run(fx, "slow", 1000, "", &r);
	assert_int_equal(r.how, HOOK_TIMEOUT);
	assert_true(r.elapsed_ms >= 1000 && r.elapsed_ms < 5000);
	assert_string_equal(hook_describe(&r, 1000, what, sizeof(what)), "timed out after 1 s (event_hook_timeout): killed");
	{
		pid_t bg = (pid_t)atol(read_file(fx->s.dir, "bgpid"));
		struct timespec t = { 0, 200 * 1000000L };

		assert_true(bg > 0);
		nanosleep(&t, NULL);
		/* gone, or a zombie that init has not reaped yet */
		{
			char path[64], st[512] = "";
			FILE *fp;

			snprintf(path, sizeof(path), "/proc/%ld/stat", (long)bg);
			if ((fp = fopen(path, "r"))) {
				if (!fgets(st, sizeof(st), fp))
					st[0] = '\0';
				fclose(fp);
				assert_non_null(strstr(st, ") Z "));
			}
		}
	}
	/* a megabyte of input it does not read all of: no SIGPIPE here */
	assert_non_null(big);
	memset(big, 'x', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	put_file(fx->s.dir, "mode", "1", 0644);
	{
		char *a2[] = { "/bin/sh", "-c", "head -c 10 >/dev/null; exit 0", NULL };

		assert_int_equal(hook_exec("/bin/sh", a2, envp, big, strlen(big), 5000, &r), 0);
		assert_int_equal(r.how, HOOK_EXITED);
		assert_int_equal(r.code, 0);
	}
	/* output beyond the bound is read and dropped */
	{
		char *a3[] = { "/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\\\0' y; exit 3", NULL };

		assert_int_equal(hook_exec("/bin/sh", a3, envp, "", 0, 5000, &r), 0);
		assert_int_equal(r.code, 3);
		assert_int_equal(r.output_len, HOOK_OUTPUT_MAX);
		assert_true(r.truncated);
	}
	free(big);
	/* a hook that cannot be run */
	assert_int_equal(hook_exec(argv[0], argv, envp, "", 0, 5000, &r), 0);
	assert_int_equal(r.how, HOOK_EXEC_FAILED);
	assert_string_equal(hook_describe(&r, 5000, what, sizeof(what)), "cannot run: No such file or directory");
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(hooks_backoff(1), 60);
	assert_int_equal(hooks_backoff(2), 120);
	assert_int_equal(hooks_backoff(3), 240);
	assert_int_equal(hooks_backoff(11), 61440);
	assert_int_equal(hooks_backoff(12), 86400);
	assert_int_equal(hooks_backoff(1000), 86400);
}

/* --- hooks_run_pass -------------------------------------------------------------- */

static void suppress(struct fixture *fx, const char *address, time_t when)
{
	char err[256] = "";

	if (store_recipient_suppress(fx->s.st, address, "by hand", when, NULL, err, sizeof(err)) != STORE_OK)
		fail_msg("suppress: %s", err);
}

static struct hooks_counts pass(struct fixture *fx, long timeout, long give_up)
{
	struct hooks_config hc = { fx->hook, timeout, give_up, "/etc/rebound/rebound.conf" };
	struct hooks_counts c;
	char err[256] = "";

	if (hooks_run_pass(fx->s.st, &hc, "test-runner", fake_clock, &c, err, sizeof(err)) != STORE_OK)
		fail_msg("hooks_run_pass: %s", err);
	return c;
}

/* states: the hook states of the events, in id order, joined by spaces. */
static int add_state(void *ctx, const struct store_event *e)
{
	size_t n = strlen(ctx);

	snprintf((char *)ctx + n, 256 - n, "%s%s", n ? " " : "", e->hook_state);
	return 0;
}

static const char *states(struct fixture *fx)
{
	static char buf[256];
	char err[256] = "";

	buf[0] = '\0';
	assert_int_equal(store_events_list(fx->s.st, 0, 0, add_state, buf, err, sizeof(err)), STORE_OK);
	return buf;
}

static void test_pass_outcomes(void **state)
{
	struct fixture *fx = *state;
	struct hooks_counts c;
	char err[256] = "";
	int was;

	suppress(fx, "a@example.com", T0);
	suppress(fx, "b@example.com", T0);
	assert_int_equal(store_recipient_unsuppress(fx->s.st, "a@example.com", T0, &was, err, sizeof(err)), STORE_OK);
	/* exit 0: all three, a@'s two in order */
	c = pass(fx, 5, 3 * 86400);
	assert_int_equal(c.done, 3);
	assert_string_equal(read_file(fx->s.dir, "log"), "1 a@example.com 1\n2 b@example.com 1\n3 a@example.com 1\n");
	assert_string_equal(states(fx), "done done done");
	assert_non_null(strstr(read_file(fx->s.dir, "in"), "\"type\":\"unsuppressed\""));
	/* nothing due: nothing run */
	c = pass(fx, 5, 3 * 86400);
	assert_int_equal(c.done + c.retried + c.failed + c.expired, 0);
	/* exit 75: retried after 1, 2, 4 ... minutes; given up past the age */
	put_file(fx->s.dir, "mode", "75", 0644);
	suppress(fx, "c@example.com", T0);
	c = pass(fx, 5, 600);
	assert_int_equal(c.retried, 1);
	assert_string_equal(states(fx), "done done done pending");
	fake_now += 59;
	assert_int_equal(pass(fx, 5, 600).retried, 0);
	fake_now += 1; /* T0 + 60 */
	assert_int_equal(pass(fx, 5, 600).retried, 1);
	fake_now += 120; /* T0 + 180 */
	assert_int_equal(pass(fx, 5, 600).retried, 1);
	fake_now += 240; /* T0 + 420: the next try would be at 900, past 600 */
	c = pass(fx, 5, 600);
	assert_int_equal(c.expired, 1);
	assert_string_equal(states(fx), "done done done expired");
	assert_string_equal(read_file(fx->s.dir, "log") +
				    strlen("1 a@example.com 1\n2 b@example.com 1\n3 a@example.com 1\n"),
			    "4 c@example.com 1\n4 c@example.com 2\n4 c@example.com 3\n4 c@example.com 4\n");
	/* an event already older than the age when first taken: not run */
	put_file(fx->s.dir, "mode", "0", 0644);
	suppress(fx, "d@example.com", T0);
	fake_now = T0 + 601;
	c = pass(fx, 5, 600);
	assert_int_equal(c.expired, 1);
	assert_int_equal(c.done, 0);
	/* any other exit, and the timeout: failed for good, never again */
	put_file(fx->s.dir, "mode", "1", 0644);
	suppress(fx, "e@example.com", fake_now);
	assert_int_equal(pass(fx, 5, 600).failed, 1);
	put_file(fx->s.dir, "mode", "slow", 0644);
	suppress(fx, "f@example.com", fake_now);
	assert_int_equal(pass(fx, 1, 600).failed, 1);
	fake_now += 86400;
	c = pass(fx, 1, 600);
	assert_int_equal(c.done + c.retried + c.failed + c.expired, 0);
	assert_string_equal(states(fx), "done done done expired expired failed failed");
	/* a hook that cannot be run is retried (a mistake that may be mended) */
	suppress(fx, "g@example.com", fake_now);
	{
		struct hooks_config hc = { "/nonexistent/hook", 5, 600, "" };
		struct hooks_counts n;

		assert_int_equal(hooks_run_pass(fx->s.st, &hc, "r", fake_clock, &n, err, sizeof(err)), STORE_OK);
		assert_int_equal(n.retried, 1);
	}
}

/* test_two_runners: two processes, each with its own handle, run passes
 * at once on 8 events of 4 addresses with a hook that takes 0.3 s: each
 * event is run exactly once, and a@'s events in their order. */
static void test_two_runners(void **state)
{
	struct fixture *fx = *state;
	const char *addrs[] = { "a@example.com", "b@example.com", "c@example.com", "d@example.com" };
	pid_t pids[2];
	int was;
	char err[256] = "";

	for (int i = 0; i < 4; i++)
		suppress(fx, addrs[i], T0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(store_recipient_unsuppress(fx->s.st, addrs[i], T0, &was, err, sizeof(err)), STORE_OK);
	put_file(fx->s.dir, "mode", "sleep", 0644);
	fake_now = T0 + 10;
	for (int k = 0; k < 2; k++) {
		if ((pids[k] = fork()) == 0) {
			struct store *st;
			struct hooks_config hc = { fx->hook, 10, 86400, "" };
			struct hooks_counts c;
			char owner[64];

			if (store_open(fx->s.path, 10, 0, &st, err, sizeof(err)) != STORE_OK)
				_exit(2);
			snprintf(owner, sizeof(owner), "runner-%d", k);
			if (hooks_run_pass(st, &hc, owner, fake_clock, &c, err, sizeof(err)) != STORE_OK) {
				fprintf(stderr, "runner %d: %s\n", k, err);
				_exit(3);
			}
			store_close(st);
			_exit(0);
		}
		assert_true(pids[k] > 0);
	}
	for (int k = 0; k < 2; k++) {
		int status;

		assert_int_equal(waitpid(pids[k], &status, 0), pids[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_string_equal(states(fx), "done done done done done done done done");
	{
		/* each id once; the suppression (1..4) of an address before its
		 * unsuppression (5..8) */
		const char *log = read_file(fx->s.dir, "log");
		int seen[9] = { 0 }, order = 0, pos[9] = { 0 };
		long long id;
		const char *p = log;
		int n;

		while (sscanf(p, "%lld %*s %*d\n%n", &id, &n) == 1) {
			assert_true(id >= 1 && id <= 8);
			seen[id]++;
			pos[id] = ++order;
			p += n;
		}
		for (int i = 1; i <= 8; i++)
			assert_int_equal(seen[i], 1);
		for (int i = 1; i <= 4; i++)
			assert_true(pos[i] < pos[i + 4]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exec, setup, teardown),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test_setup_teardown(test_pass_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_runners, setup, teardown),
	};

	signal(SIGPIPE, SIG_DFL); /* as a program starts: hook_exec must cope */
	return cmocka_run_group_tests_name(fixture_pg() ? "hooks on PostgreSQL" : "hooks", tests, NULL, NULL);
}
