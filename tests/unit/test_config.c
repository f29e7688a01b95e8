/* test_config.c: unit tests of lib/config.c: defaults, syntax (comments,
 * continuation lines), types, FILE:LINE errors, required settings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "rates.h"

#define BASE "return_domain = bounce.example.org\nsecret_file = /etc/rebound/secret\n"

static struct config *load_ok(const char *text)
{
	struct config *cfg = NULL;
	char err[512] = "";

	if (config_load_string("t.conf", text, &cfg, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	return cfg;
}

static void load_err(const char *text, const char *expect)
{
	struct config *cfg = NULL;
	char err[512] = "";

	assert_int_equal(config_load_string("t.conf", text, &cfg, err, sizeof(err)), -1);
	assert_null(cfg);
	if (!strstr(err, expect))
		fail_msg("error \"%s\" lacks \"%s\"", err, expect);
}

static void test_defaults(void **state)
{
	(void)state;
	struct config *cfg = load_ok(BASE);

	assert_string_equal(cfg->return_domain, "bounce.example.org");
	assert_string_equal(cfg->return_prefix, "bounces");
	assert_string_equal(cfg->recipient_delimiter, "+");
	assert_int_equal(cfg->tag_lifetime, 30L * 86400);
	assert_string_equal(cfg->database, "/var/lib/rebound/rebound.db");
	assert_int_equal(cfg->message_size_limit, 10240000);
	assert_int_equal(cfg->soft_bounce_limit, 5);
	assert_int_equal(cfg->list_senders.n, 0);
	assert_int_equal(cfg->list_headers, 0);
	assert_int_equal(cfg->on_store_error, CONFIG_STORE_ERROR_TEMPFAIL);
	config_free(cfg);
}

static void test_syntax(void **state)
{
	(void)state;
	struct config *cfg = load_ok("# comment\n\n" BASE "list_senders = a@example.com,\n"
				     "    @lists.example.com   b@example.net\n  # indented comment\n"
				     "tag_lifetime = 2w\r\nlist_headers = yes\non_store_error = accept\n"
				     "database_timeout=90\n");

	assert_int_equal(cfg->list_senders.n, 3);
	assert_string_equal(cfg->list_senders.items[1], "@lists.example.com");
	assert_null(cfg->list_senders.items[3]);
	assert_int_equal(cfg->tag_lifetime, 14L * 86400);
	assert_int_equal(cfg->list_headers, 1);
	assert_int_equal(cfg->on_store_error, CONFIG_STORE_ERROR_ACCEPT);
	assert_int_equal(cfg->database_timeout, 90);
	config_free(cfg);
}

static void test_errors(void **state)
{
	(void)state;
	load_err(BASE "\nbogus = 1\n", "t.conf:4: unknown parameter \"bogus\"");
	load_err(BASE "tag_lifetime = 3x\n", "t.conf:3: tag_lifetime: bad time value");
	load_err(BASE "tag_lifetime = 400d\n", "t.conf:3: tag_lifetime: value \"400d\" out of range");
	load_err(BASE "soft_bounce_limit = five\n", "t.conf:3: soft_bounce_limit: bad number");
	load_err(BASE "list_headers = maybe\n", "t.conf:3: list_headers: bad boolean");
	load_err(BASE "on_store_error = ignore\n", "t.conf:3: on_store_error: bad value");
	load_err(BASE "no equals sign\n", "t.conf:3: missing '='");
	load_err("  continued = 1\n", "t.conf:1: continuation line");
	load_err("secret_file = /etc/s\n", "missing required parameter \"return_domain\"");
	load_err("return_domain = x.org\n", "missing required parameter \"secret_file\"");
	load_err("return_domain = bad_domain\nsecret_file = /s\n", "t.conf:1: return_domain: must be a domain");
	load_err(BASE "return_prefix = Bounces\n", "t.conf:3: return_prefix:");
	load_err(BASE "secret_file = relative\n", "t.conf:3: secret_file: must be an absolute path");
	load_err(BASE "milter_socket = /tmp/x\n", "t.conf:3: milter_socket:");
	load_err(BASE "log_file = mail.log\n", "t.conf:3: log_file: must be an absolute path");
}

static void test_parse_net(void **state)
{
	struct config_net n;

	(void)state;
	assert_int_equal(config_parse_net("192.0.2.0/24", &n), 0);
	assert_int_equal(n.family, AF_INET);
	assert_int_equal(n.prefix, 24);
	assert_int_equal(config_parse_net("192.0.2.1", &n), 0);
	assert_int_equal(n.prefix, 32);
	assert_int_equal(config_parse_net("2001:db8::/32", &n), 0);
	assert_int_equal(n.family, AF_INET6);
	assert_int_equal(config_parse_net("[::1]/128", &n), 0);
	assert_int_equal(config_parse_net("0.0.0.0/0", &n), 0);
	assert_int_equal(config_parse_net("::/0", &n), 0);
	/* bad: host bits, prefix range, syntax */
	assert_int_equal(config_parse_net("192.0.2.1/24", &n), -1);
	assert_int_equal(config_parse_net("192.0.2.0/33", &n), -1);
	assert_int_equal(config_parse_net("2001:db8::/129", &n), -1);
	assert_int_equal(config_parse_net("192.0.2.0/", &n), -1);
	assert_int_equal(config_parse_net("192.0.2.0/-1", &n), -1);
	assert_int_equal(config_parse_net("192.0.2.0/2x", &n), -1);
	assert_int_equal(config_parse_net("example.com", &n), -1);
	assert_int_equal(config_parse_net("/24", &n), -1);
	assert_int_equal(config_parse_net("", &n), -1);
}

/* Every setting is checked here, where `rebound config check` and every
 * program see it (issue 12: config check passed list_clients = abc, which
 * rebound-milter refused). */
static void test_list_items(void **state)
{
	(void)state;
	load_err(BASE "list_clients = abc\n", "list_clients: bad item \"abc\"");
	load_err(BASE "list_clients = 10.0.0.0/33\n", "list_clients: bad item \"10.0.0.0/33\"");
	load_err(BASE "list_clients = 300.1.1.1/8\n", "list_clients: bad item \"300.1.1.1/8\"");
	load_err(BASE "list_clients = 192.0.2.0/24, 192.0.2.1/24\n", "bad item \"192.0.2.1/24\"");
	load_err(BASE "list_clients = 192.0.2.0/24\n  2001:db8::/129\n", "t.conf:3: list_clients");
	load_err(BASE "list_senders = lists.example.com\n", "list_senders: bad item");
	load_err(BASE "list_senders = a@b@c\n", "list_senders: bad item");
	load_err(BASE "list_senders = a@\n", "list_senders: bad item");
	load_err(BASE "forward_other_to = -oQ/tmp\n", "forward_other_to");
	load_err(BASE "pid_file = run/rebound-milter.pid\n", "pid_file: must be an absolute path");
	load_err(BASE "bounce_rules = bounce.rules\n", "bounce_rules: must be an absolute path");
	load_err(BASE "milter_socket = inet:abc@127.0.0.1\n", "milter_socket: inet: the port");
	load_err(BASE "milter_socket = inet:70000\n", "milter_socket: inet: the port");
	load_err(BASE "milter_socket = inet:0@localhost\n", "milter_socket: inet: the port");
	load_err(BASE "milter_socket = inet:8891@\n", "milter_socket: inet: a host");
	config_free(load_ok(BASE "milter_socket = inet:8891@127.0.0.1\npid_file =\n"));
	config_free(load_ok(BASE "milter_socket = inet6:8891@[::1]\n"));
	config_free(load_ok(BASE "milter_socket = inet:8891\n"));
	load_err(BASE "forward_other_to = a@b.example, c@d.example\n", "forward_other_to");
	config_free(load_ok(BASE "list_clients = 192.0.2.0/24 [::1]/128, 10.1.2.3\n"
			    "list_senders = a@b.example @c.example\nforward_other_to = postmaster@example.org\n"));
}

/* trusted_networks (rebound-pipe, message mode): the same networks as
 * list_clients, the same checks; message_probes a boolean, yes by default. */
static void test_trusted_networks(void **state)
{
	struct config *cfg;
	struct config_net n;

	(void)state;
	load_err(BASE "trusted_networks = abc\n", "trusted_networks: bad item \"abc\"");
	load_err(BASE "trusted_networks = 10.0.0.0/33\n", "trusted_networks: bad item");
	load_err(BASE "trusted_networks = 192.0.2.1/24\n", "trusted_networks: bad item");
	/* everyone, or a large part of the Internet, is never "our own relay" */
	load_err(BASE "trusted_networks = 0.0.0.0/0\n", "trusted_networks: bad item \"0.0.0.0/0\" (trusts too much");
	load_err(BASE "trusted_networks = 192.0.2.0/24 ::/0\n", "trusted_networks: bad item \"::/0\" (trusts too much");
	load_err(BASE "trusted_networks = 64.0.0.0/2\n", "trusts too much");
	config_free(load_ok(BASE "trusted_networks = 10.0.0.0/8, 2001::/16\n"));
	load_err(BASE "message_probes = maybe\n", "message_probes");
	cfg = load_ok(BASE);
	assert_int_equal(cfg->trusted_networks.n, 0);
	assert_true(cfg->message_probes);
	config_free(cfg);
	cfg = load_ok(BASE "trusted_networks = 192.0.2.0/24, 2001:db8::/32\nmessage_probes = no\n");
	assert_int_equal(cfg->trusted_networks.n, 2);
	assert_false(cfg->message_probes);
	config_free(cfg);
	/* what rebound-pipe matches ${client_address} with */
	assert_int_equal(config_parse_net("192.0.2.0/24", &n), 0);
	assert_true(config_net_contains(&n, "192.0.2.7"));
	assert_true(config_net_contains(&n, "::ffff:192.0.2.7"));
	assert_false(config_net_contains(&n, "198.51.100.7"));
	assert_false(config_net_contains(&n, ""));
}

static void test_duration(void **state)
{
	(void)state;
	long v;

	assert_int_equal(config_parse_duration("45", &v), 0);
	assert_int_equal(v, 45);
	assert_int_equal(config_parse_duration("5m", &v), 0);
	assert_int_equal(v, 300);
	assert_int_equal(config_parse_duration("1w", &v), 0);
	assert_int_equal(v, 604800);
	assert_int_equal(config_parse_duration("", &v), -1);
	assert_int_equal(config_parse_duration("d", &v), -1);
	assert_int_equal(config_parse_duration("1dd", &v), -1);
	assert_int_equal(config_parse_duration("-1d", &v), -1);
	assert_int_equal(config_parse_duration("99999999999999999999d", &v), -1);
}

static void test_rate_limits(void **state)
{
	(void)state;
	struct config *cfg = load_ok(BASE);
	struct rates_limits r;

	/* Amazon SES's levels by default */
	config_rate_limits(cfg, "news@lists.example.org", &r);
	assert_int_equal(r.bounce_warn, 50000);
	assert_int_equal(r.bounce_pause, 100000);
	assert_int_equal(r.complaint_warn, 1000);
	assert_int_equal(r.complaint_pause, 5000);
	assert_int_equal(r.window, 86400);
	assert_int_equal(r.min_volume, 500);
	assert_int_equal(r.action, RATES_ACTION_HOLD);
	assert_int_equal(cfg->rate_interval, 60);
	config_free(cfg);

	cfg = load_ok(BASE "rate_bounce_pause = 12.5%\nrate_pause_action = tempfail\n"
			   "rate_overrides = News@Lists.example.org:bounce_pause=8%,\n"
			   "    news@lists.example.org:min_volume=100 news@lists.example.org:window=1h\n"
			   "    bulk@lists.example.org:pause_action=hold news@lists.example.org:bounce_pause=9%\n");
	config_rate_limits(cfg, "news@LISTS.example.org", &r);
	assert_int_equal(r.bounce_pause, 90000); /* the last item wins */
	assert_int_equal(r.min_volume, 100);
	assert_int_equal(r.window, 3600);
	assert_int_equal(r.action, RATES_ACTION_TEMPFAIL);
	config_rate_limits(cfg, "bulk@lists.example.org", &r);
	assert_int_equal(r.bounce_pause, 125000);
	assert_int_equal(r.action, RATES_ACTION_HOLD);
	config_rate_limits(cfg, "other@lists.example.org", &r);
	assert_int_equal(r.bounce_pause, 125000);
	assert_int_equal(r.action, RATES_ACTION_TEMPFAIL);
	config_free(cfg);

	load_err(BASE "rate_bounce_warn = 5\n", "t.conf:3: rate_bounce_warn: bad rate \"5\"");
	load_err(BASE "rate_bounce_pause = 101%\n", "rate_bounce_pause: bad rate");
	load_err(BASE "rate_complaint_pause = 0%\n", "rate_complaint_pause: value \"0%\" out of range");
	load_err(BASE "rate_window = 1m\n", "rate_window: value \"1m\" out of range");
	load_err(BASE "rate_window = 8d\n", "rate_window: value \"8d\" out of range");
	load_err(BASE "rate_pause_action = drop\n", "rate_pause_action: bad value");
	load_err(BASE "rate_bounce_warn = 20%\n", "rate_*: a warn level above its pause level");
	load_err(BASE "rate_overrides = news@lists.example.org:bounce_warn=11%\n",
		 "rate_overrides for news@lists.example.org: a warn level above its pause level");
	load_err(BASE "rate_overrides = news@lists.example.org\n", "use LIST:NAME=VALUE");
	load_err(BASE "rate_overrides = @lists.example.org:window=1h\n", "LIST must be");
	load_err(BASE "rate_overrides = news@lists.example.org:colour=red\n", "NAME must be");
	load_err(BASE "rate_overrides = news@lists.example.org:bounce_pause=8\n", "VALUE must be a percentage");
	load_err(BASE "rate_overrides = news@lists.example.org:window=10d\n", "VALUE of window");
	load_err(BASE "rate_overrides = news@lists.example.org:min_volume=0\n", "VALUE of min_volume");
	load_err(BASE "rate_overrides = news@lists.example.org:pause_action=bounce\n", "VALUE of pause_action");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_parse_net),
		cmocka_unit_test(test_list_items),
		cmocka_unit_test(test_trusted_networks),
		cmocka_unit_test(test_rate_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
