/* test_milter_rewrite.c: unit tests of rebound-milter's decision at end of
 * message (milter/rewrite.c): skip cases, recipient and message mode on an
 * in-memory store, store errors under both on_store_error values, xtext. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../milter/rewrite.c"
#include "../../milter/rules.c"

#define BASE "return_domain = bounce.example.org\nsecret_file = /etc/rebound/secret\n"
#define NOW ((time_t)1795814400)

struct fixture {
	struct state st;
	struct store *store;
	int fail_open;  /* get returns NULL */
	int broken;     /* times broken was called */
};

static struct store *fx_get(void *ctx, const struct state *st, char *err, size_t errlen)
{
	struct fixture *fx = ctx;

	(void)st;
	if (fx->fail_open) {
		snprintf(err, errlen, "database is locked");
		return NULL;
	}
	return fx->store;
}

static void fx_broken(void *ctx)
{
	((struct fixture *)ctx)->broken++;
}

static struct fixture *fx_new(const char *extra)
{
	static const char *const keys[] = { "0123456789abcdef0123456789abcdef-test-key" };
	struct fixture *fx = calloc(1, sizeof(*fx));
	char text[2048], err[512] = "";

	assert_non_null(fx);
	snprintf(text, sizeof(text), "%s%s", BASE, extra);
	if (config_load_string("t.conf", text, &fx->st.cfg, err, sizeof(err)) != 0)
		fail_msg("config: %s", err);
	assert_int_equal(rules_build(fx->st.cfg, &fx->st.rules, err, sizeof(err)), 0);
	assert_int_equal(verp_keys_from_strings(keys, 1, &fx->st.keys), 0);
	assert_int_equal(verp_codec_new(fx->st.cfg, fx->st.keys, NULL, &fx->st.codec), VERP_OK);
	assert_int_equal(store_open(":memory:", 1, STORE_CREATE, &fx->store, err, sizeof(err)), STORE_OK);
	fx->st.generation = 1;
	return fx;
}

static void fx_free(struct fixture *fx)
{
	store_close(fx->store);
	verp_codec_free(fx->st.codec);
	verp_keys_free(fx->st.keys);
	rules_free(&fx->st.rules);
	config_free(fx->st.cfg);
	free(fx);
}

static void decide(struct fixture *fx, const char *sender, const char *const *rcpts, size_t n, const char *ret,
		   const char *envid, struct rewrite_result *out)
{
	struct rewrite_store rs = { fx_get, fx_broken, fx };
	struct rewrite_msg m = { sender, rcpts, n, ret, envid, { .sender = sender } };

	rewrite_decide(&fx->st, &m, &rs, NOW, out);
}

static void test_skips(void **state)
{
	struct fixture *fx = fx_new("list_senders = @lists.example.com, bounces@bounce.example.org\n");
	const char *one[] = { "a@example.net" };
	struct rewrite_result r;

	(void)state;
	decide(fx, "", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_NONE);
	assert_string_equal(r.why, "null sender");
	decide(fx, "bounces@Bounce.Example.ORG", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_NONE);
	assert_string_equal(r.why, "sender already in return_domain");
	decide(fx, "news@lists.example.com", NULL, 0, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_NONE);
	assert_string_equal(r.why, "no recipients");
	/* Mailman's probe (verp_probe_format) and VERP'd delivery (verp_format)
	 * return paths: the list manager wants those bounces itself */
	decide(fx, "news-bounces+3f2a9c81d0e4b7@lists.example.com", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_NONE);
	assert_string_equal(r.why, "sender is the list manager's own VERP or probe address");
	decide(fx, "News-Bounces+a=example.net@lists.example.com", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_NONE);
	assert_string_equal(r.why, "sender is the list manager's own VERP or probe address");
	/* its plain bounce address (every list post), an empty extension, and
	 * the mark in the domain are list mail as usual */
	decide(fx, "news-bounces@lists.example.com", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_CHGFROM);
	decide(fx, "news-bounces+@lists.example.com", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_CHGFROM);
	decide(fx, "news@x-bounces+y.lists.example.com", one, 1, NULL, NULL, &r);
	assert_int_not_equal(r.why ? strcmp(r.why, "sender is the list manager's own VERP or probe address") : 1, 0);
	decide(fx, "news@other.example.com", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_NONE);
	assert_string_equal(r.why, "not list mail");
	fx_free(fx);
	fx = fx_new("");
	decide(fx, "news@lists.example.com", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_NONE);
	assert_string_equal(r.why, "no selection rule configured");
	fx_free(fx);
}

/* first_list: the first list of store_lists_of into ctx. */
static int first_list(void *ctx, const char *list, const char *last_sent_at)
{
	(void)last_sent_at;
	snprintf(ctx, 300, "%s", list);
	return 1;
}

static void test_recipient_mode(void **state)
{
	struct fixture *fx = fx_new("list_senders = @lists.example.com\n");
	const char *one[] = { "Alice@example.net" };
	struct rewrite_result r;
	struct verp_decoded dec;
	char list[300] = "";

	(void)state;
	decide(fx, "news@lists.example.com", one, 1, "HDRS", "abc+2B", &r);
	assert_int_equal(r.action, REWRITE_CHGFROM);
	assert_string_equal(r.mode, "recipient");
	assert_string_equal(r.args, "RET=HDRS ENVID=abc+2B");
	assert_int_equal(verp_decode(fx->st.codec, r.return_path, NOW, &dec), VERP_OK);
	assert_int_equal(dec.form, VERP_FORM_RECIPIENT);
	assert_string_equal(dec.recipient, "Alice@example.net");
	decide(fx, "news@lists.example.com", one, 1, NULL, NULL, &r);
	assert_string_equal(r.args, "");
	/* the list (the sender) is recorded for the recipient's bounces */
	assert_string_equal(r.detail, "");
	assert_int_equal(store_lists_of(fx->store, "alice@example.net", first_list, list, NULL, 0), STORE_OK);
	assert_string_equal(list, "news@lists.example.com");
	/* the store failing: rewritten all the same, the failure in detail */
	fx->fail_open = 1;
	decide(fx, "dev@lists.example.com", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_CHGFROM);
	assert_string_equal(r.detail, "database is locked");
	fx_free(fx);
}

static void test_long_recipient_uses_store(void **state)
{
	struct fixture *fx = fx_new("list_senders = @lists.example.com\n");
	const char *one[] = { "a-very-long-local-part-that-cannot-fit-in-a-return-path.0123456789@example.net" };
	struct rewrite_result r;

	(void)state;
	decide(fx, "news@lists.example.com", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_CHGFROM);
	assert_true(strchr(r.return_path, '@') - r.return_path <= 64);
	fx->fail_open = 1;
	decide(fx, "news@lists.example.com", one, 1, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_TEMPFAIL);
	fx_free(fx);
}

static int count_bounce(void *ctx, const struct store_bounce_row *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static void test_message_mode(void **state)
{
	struct fixture *fx = fx_new("list_senders = @lists.example.com\n");
	const char *rcpts[] = { "a@example.net", "b@example.org", "c@example.com" };
	struct rewrite_result r;
	struct verp_decoded dec;
	char want[128];

	(void)state;
	decide(fx, "news@lists.example.com", rcpts, 3, "FULL", "client-envid", &r);
	assert_int_equal(r.action, REWRITE_CHGFROM);
	assert_string_equal(r.mode, "message");
	assert_int_equal(strlen(r.token), 24);
	snprintf(want, sizeof(want), "ENVID=%s RET=FULL", r.token);
	assert_string_equal(r.args, want);
	assert_int_equal(verp_decode(fx->st.codec, r.return_path, NOW, &dec), VERP_OK);
	assert_int_equal(dec.form, VERP_FORM_MESSAGE);
	assert_string_equal(dec.token, r.token);
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_message_has(fx->store, r.token, rcpts[i], NULL, 0), STORE_OK);
	assert_int_equal(store_message_has(fx->store, r.token, "d@example.net", NULL, 0), STORE_NOTFOUND);
	/* a bounce to the message names its list */
	{
		struct store_bounce b = { .received_at = NOW, .recipient = "b@example.org", .verified = 1,
					  .return_path = r.return_path, .message_token = r.token, .kind = "dsn",
					  .class_name = "hard", .reason = "userunknown" };
		struct store_filter f = { .list = "news@lists.example.com" };
		struct policy p;
		int n = 0;

		policy_defaults(&p);
		assert_int_equal(store_bounce_record(fx->store, &b, &p, NULL, NULL, 0), STORE_OK);
		assert_int_equal(store_bounces_list(fx->store, &f, count_bounce, &n, NULL, 0), STORE_OK);
		assert_int_equal(n, 1);
	}
	fx_free(fx);
}

static void test_store_errors(void **state)
{
	const char *rcpts[] = { "a@example.net", "b@example.org" };
	struct fixture *fx = fx_new("list_senders = @lists.example.com\n");
	struct rewrite_result r;

	(void)state;
	fx->fail_open = 1;
	decide(fx, "news@lists.example.com", rcpts, 2, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_TEMPFAIL);
	assert_string_equal(r.why, "store");
	assert_non_null(strstr(r.detail, "locked"));
	fx_free(fx);
	fx = fx_new("list_senders = @lists.example.com\non_store_error = accept\n");
	fx->fail_open = 1;
	decide(fx, "news@lists.example.com", rcpts, 2, NULL, NULL, &r);
	assert_int_equal(r.action, REWRITE_NONE);
	assert_non_null(strstr(r.why, "accept"));
	fx_free(fx);
}

static void test_xtext(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(rewrite_xtext("abc", out, sizeof(out)), 0);
	assert_string_equal(out, "abc");
	assert_int_equal(rewrite_xtext("a+b=c d", out, sizeof(out)), 0);
	assert_string_equal(out, "a+2Bb+3Dc+20d");
	assert_int_equal(rewrite_xtext("a+b", out, 4), -1);
	assert_int_equal(rewrite_xtext("a+b", out, 6), 0);
	assert_true(rewrite_xtext_valid("a+2Bb"));
	assert_false(rewrite_xtext_valid("a+2"));
	assert_false(rewrite_xtext_valid("a+zz"));
	assert_false(rewrite_xtext_valid("a=b"));
	assert_false(rewrite_xtext_valid("a b"));
}

static void test_token(void **state)
{
	char a[VERP_TOKEN_MAX + 1], b[VERP_TOKEN_MAX + 1];

	(void)state;
	assert_int_equal(rewrite_token(a), 0);
	assert_int_equal(rewrite_token(b), 0);
	assert_int_equal(strlen(a), 24);
	assert_int_equal(strspn(a, "0123456789abcdef"), 24);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skips),
		cmocka_unit_test(test_recipient_mode),
		cmocka_unit_test(test_long_recipient_uses_store),
		cmocka_unit_test(test_message_mode),
		cmocka_unit_test(test_store_errors),
		cmocka_unit_test(test_xtext),
		cmocka_unit_test(test_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
