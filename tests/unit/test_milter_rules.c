/* test_milter_rules.c: unit tests of rebound-milter's selection rules
 * (milter/rules.c): CIDR matching, each rule, headers (the settings'
 * syntax is lib/config.c's, in test_config.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "../../milter/rules.c"

#define BASE "return_domain = bounce.example.org\nsecret_file = /etc/rebound/secret\n"

static struct config *load(const char *extra)
{
	char text[2048], err[512] = "";
	struct config *cfg = NULL;

	snprintf(text, sizeof(text), "%s%s", BASE, extra);
	if (config_load_string("t.conf", text, &cfg, err, sizeof(err)) != 0)
		fail_msg("config: %s", err);
	return cfg;
}

static void test_net_contains(void **state)
{
	struct config_net n;

	(void)state;
	assert_int_equal(config_parse_net("192.0.2.128/25", &n), 0);
	assert_true(config_net_contains(&n, "192.0.2.128"));
	assert_true(config_net_contains(&n, "192.0.2.255"));
	assert_false(config_net_contains(&n, "192.0.2.127"));
	assert_true(config_net_contains(&n, "::ffff:192.0.2.200"));
	assert_false(config_net_contains(&n, "2001:db8::1"));
	assert_false(config_net_contains(&n, "unknown"));
	assert_false(config_net_contains(&n, NULL));
	assert_int_equal(config_parse_net("2001:db8:8000::/33", &n), 0);
	assert_true(config_net_contains(&n, "2001:db8:8000::1"));
	assert_true(config_net_contains(&n, "IPv6:2001:db8:ffff::1"));
	assert_false(config_net_contains(&n, "2001:db8:7fff::1"));
	assert_false(config_net_contains(&n, "192.0.2.1"));
	assert_int_equal(config_parse_net("0.0.0.0/0", &n), 0);
	assert_true(config_net_contains(&n, "203.0.113.9"));
	assert_int_equal(config_parse_net("10.1.2.3", &n), 0);
	assert_true(config_net_contains(&n, "10.1.2.3"));
	assert_false(config_net_contains(&n, "10.1.2.4"));
}

static void test_no_rules_match_nothing(void **state)
{
	struct config *cfg = load("");
	struct rules r;
	char err[256];
	struct rules_input in = { "news@lists.example.com", "listbot", "192.0.2.1", "smtpd", 1 };

	(void)state;
	assert_int_equal(rules_build(cfg, &r, err, sizeof(err)), 0);
	assert_false(rules_any(&r));
	assert_null(rules_match(&r, &in));
	rules_free(&r);
	config_free(cfg);
}

static void test_each_rule(void **state)
{
	struct config *cfg = load("list_senders = News@Lists.example.com, @letters.example.com\n"
				  "list_sasl_users = listbot\nlist_clients = 192.0.2.0/24 2001:db8::/32\n"
				  "list_services = listsubmit\nlist_headers = yes\n");
	struct rules r;
	char err[256];

	(void)state;
	assert_int_equal(rules_build(cfg, &r, err, sizeof(err)), 0);
	assert_true(rules_any(&r));
	assert_string_equal(rules_match(&r, &(struct rules_input){ .sender = "news@lists.EXAMPLE.com" }),
			    "list_senders");
	assert_string_equal(rules_match(&r, &(struct rules_input){ .sender = "x@letters.example.com" }),
			    "list_senders");
	assert_null(rules_match(&r, &(struct rules_input){ .sender = "x@sub.letters.example.com" }));
	assert_null(rules_match(&r, &(struct rules_input){ .sender = "other@lists.example.com" }));
	assert_null(rules_match(&r, &(struct rules_input){ .sender = "letters.example.com" }));
	assert_string_equal(rules_match(&r, &(struct rules_input){ .sender = "a@b.c", .sasl_user = "ListBot" }),
			    "list_sasl_users");
	assert_null(rules_match(&r, &(struct rules_input){ .sender = "a@b.c", .sasl_user = "alice" }));
	assert_string_equal(rules_match(&r, &(struct rules_input){ .client_addr = "2001:db8::25" }), "list_clients");
	assert_null(rules_match(&r, &(struct rules_input){ .client_addr = "198.51.100.1" }));
	assert_string_equal(rules_match(&r, &(struct rules_input){ .service = "listsubmit" }), "list_services");
	assert_null(rules_match(&r, &(struct rules_input){ .service = "ListSubmit" }));
	assert_string_equal(rules_match(&r, &(struct rules_input){ .list_header = 1 }), "list_headers");
	assert_null(rules_match(&r, &(struct rules_input){ 0 }));
	rules_free(&r);
	config_free(cfg);
}

static void test_headers(void **state)
{
	(void)state;
	assert_true(rules_header_marks_list("List-Id", " <x.example.com>"));
	assert_true(rules_header_marks_list("list-unsubscribe", " <mailto:x@example.com>"));
	assert_true(rules_header_marks_list("Precedence", " bulk"));
	assert_true(rules_header_marks_list("PRECEDENCE", "List "));
	assert_true(rules_header_marks_list("Precedence", " bulk (newsletter)"));
	assert_false(rules_header_marks_list("Precedence", " junk"));
	assert_false(rules_header_marks_list("Precedence", " bulky"));
	assert_false(rules_header_marks_list("List-Help", " <x>"));
	assert_false(rules_header_marks_list("Subject", " List-Id"));
	assert_false(rules_header_marks_list(NULL, "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_contains),
		cmocka_unit_test(test_no_rules_match_nothing),
		cmocka_unit_test(test_each_rule),
		cmocka_unit_test(test_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
