# shellcheck shell=sh disable=SC2034
# tests/lib/rebound.sh: rebound on top of the Postfix harness (POSIX sh,
# sourced after tests/lib/postfix.sh, from the top of the repository).
# The loopback system of tests/e2e/run and scripts/demo, set up as
# docs/install.md has an administrator do it:
#   rb_mx NAME PORT DOMAIN 'ADDRESS ANSWER'...  the remote MX (an ANSWER of
#       "blocked_client" refuses the client as a block-list hit does)
#   rb_config BIN           rebound.conf, key, database and socket dirs;
#                           the programs of BIN copied to $PF_TMP/bin;
#                           database = $RB_DATABASE when set (a
#                           postgresql:// URI), else an SQLite file
#   rb_init                 rebound init, as the user of rebound-pipe
#   rb_postconf NAME PORT   postfix-config/postconf.sh on instance NAME,
#                           list submission service on 127.0.0.1:PORT
#   rb_milter_start         rebound-milter -f, waits for its socket
#   rb_list_mail PORT RCPT[,RCPT...] [SUBJECT]   one list message
#   rb_list_batch PORT RCPT...  one list message each, in parallel;
#                           prints the recipients that were refused
#   rb_mx_sender NAME RCPT-ERE  the envelope sender MX NAME saw for RCPT
#   rb_delivered NAME       how many deliveries rebound-pipe accepted
# and rebound ARGS (the CLI on the configuration), sql SQL (sqlite3 on
# the database). Functions return non-zero and leave the reason in
# $RB_ERR; they never exit the caller.
RB_BIN=
RB_CONF=
RB_DB=
RB_ERR=

# rb_mx NAME PORT DOMAIN 'ADDRESS ANSWER'...: pf_remote_mx, plus the
# restriction class blocked_client: a policy rejection worded as a Postfix
# MX words a block-list hit ("Client host rejected", not "Recipient
# address rejected"), for the recipients whose answer names it.
rb_mx() {
	pf_remote_mx "$@" || { RB_ERR="cannot configure $1"; return 1; }
	printf '127.0.0.1 554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org\n' \
		>"$PF_TMP/$1/etc/client_access"
	pf_conf "$1" "smtpd_restriction_classes = blocked_client" \
		"blocked_client = check_client_access texthash:$PF_TMP/$1/etc/client_access" ||
		{ RB_ERR="cannot configure $1"; return 1; }
}

# rb_config BIN: rebound.conf for return domain bounce.test, with its key
# (openssl rand -hex 32, mode 0600, the user's), the database directory
# (2770) and the socket directory (2750), owned by $PF_USER and its group,
# of which postfix is a member (pf_test_user). List mail is what comes
# through the list submission service (list_services = lists).
# The programs of BIN are copied to $PF_TMP/bin and run from there
# ($RB_BIN): $PF_USER runs them (rb_init, pipe(8)), and cannot reach a
# checkout in a private directory (mode 700, such as /root/rebound).
rb_config() {
	RB_BIN=$PF_TMP/bin
	if ! mkdir -p "$RB_BIN" || ! chmod 755 "$RB_BIN"; then
		RB_ERR="cannot make $RB_BIN"
		return 1
	fi
	for _rb in rebound rebound-milter rebound-pipe; do
		[ -e "$1/$_rb" ] || continue
		if ! cp "$1/$_rb" "$RB_BIN/$_rb" || ! chmod 755 "$RB_BIN/$_rb"; then
			RB_ERR="cannot copy $1/$_rb to $RB_BIN"
			return 1
		fi
	done
	_rb=$PF_TMP/rebound
	RB_CONF=$_rb/rebound.conf
	RB_DB=$PF_TMP/db/rebound.db
	if ! mkdir -p "$_rb" || ! pf_user_dir "$PF_TMP/db" || ! pf_user_dir "$PF_TMP/run" 2750 ||
		! (umask 077 && openssl rand -hex 32 >"$_rb/secret") || ! chown "$PF_USER" "$_rb/secret"; then
		RB_ERR="cannot make the directories and key of rebound"
		return 1
	fi
	cat >"$RB_CONF" <<EOF
# rebound.conf of a loopback test (tests/lib/rebound.sh)
return_domain = bounce.test
secret_file = $_rb/secret
database = ${RB_DATABASE:-$RB_DB}
milter_socket = unix:$PF_TMP/run/milter.sock
user = $PF_USER
pid_file = $PF_TMP/run/rebound-milter.pid
list_services = lists
EOF
}

rebound() { "$RB_BIN/rebound" -c "$RB_CONF" "$@"; }
sql() { sqlite3 -batch -noheader "$RB_DB" "$@" 2>&1; }

# rb_init: the database, created by its user before Postfix's sqlite:
# table first opens it (Postfix would create an empty one owned by root);
# on PostgreSQL ($RB_DATABASE), the schema.
rb_init() {
	if ! runuser -u "$PF_USER" -- "$RB_BIN/rebound" -c "$RB_CONF" init >"$PF_TMP/init.out" 2>&1 ||
		{ [ -z "${RB_DATABASE:-}" ] && [ "$(stat -c %U "$RB_DB" 2>/dev/null)" != "$PF_USER" ]; }; then
		RB_ERR=$(cat "$PF_TMP/init.out"; ls -l "$RB_DB" 2>&1)
		return 1
	fi
}

# rb_postconf NAME PORT: configure instance NAME for rebound with
# postfix-config/postconf.sh, the list submission service on
# 127.0.0.1:PORT (and -t $RB_TABLE_URI when set: the URI of Postfix's
# pgsql: table); its output in $PF_TMP/postconf.out.
rb_postconf() {
	# (postconf waits while main.cf is younger than a second)
	touch -d '-5 seconds' "$PF_TMP/$1/etc/main.cf"
	postfix-config/postconf.sh -c "$PF_TMP/$1/etc" -r "$RB_CONF" -l "127.0.0.1:$2" \
		-b "$RB_BIN/rebound" -p "$RB_BIN/rebound-pipe" ${RB_TABLE_URI:+-t "$RB_TABLE_URI"} >"$PF_TMP/postconf.out" 2>&1 ||
		{ RB_ERR=$(cat "$PF_TMP/postconf.out"); return 1; }
}

rb_milter_up() { [ -S "$PF_TMP/run/milter.sock" ]; }

# rb_milter_start: rebound-milter in the foreground (its log in
# $PF_TMP/milter.log), stopped by pf_cleanup or pf_bg_stop milter.
rb_milter_start() {
	pf_bg milter "$RB_BIN/rebound-milter" -c "$RB_CONF" -f
	pf_wait 10 rb_milter_up || { RB_ERR=$(cat "$PF_TMP/milter.log"); return 1; }
}

# rb_list_mail PORT RCPT[,RCPT...] [SUBJECT]: one message from the list
# application news@lists.test; transcript in $PF_SWAKS_OUT.
rb_list_mail() {
	pf_swaks "$1" --from news@lists.test --to "$2" \
		--header "Subject: ${3:-Newsletter}" --header 'List-Id: <news.lists.test>' \
		--body 'This month in the test lists.'
}

# rb_list_batch PORT RCPT...: rb_list_mail to each RCPT (a comma list is
# one message), in parallel sessions; prints each refused RCPT with its
# transcript file, one per line. Waits only for its own sessions.
rb_list_batch() {
	_lb_port=$1; shift
	_lb_n=0; _lb_pids=
	for _lb_r in "$@"; do
		_lb_n=$((_lb_n + 1))
		(
			PF_SWAKS_OUT=$PF_TMP/list.$_lb_n.out
			rb_list_mail "$_lb_port" "$_lb_r" || echo "$_lb_r $PF_SWAKS_OUT" >"$PF_TMP/list.$_lb_n.failed"
		) &
		_lb_pids="$_lb_pids $!"
	done
	for _lb_p in $_lb_pids; do wait "$_lb_p"; done
	for _lb_f in "$PF_TMP"/list.*.failed; do
		[ -f "$_lb_f" ] && cat "$_lb_f" && rm -f "$_lb_f"
	done
	return 0
}

# rb_mx_sender NAME RCPT-ERE: the envelope sender of the first message MX
# NAME accepted for a recipient matching RCPT-ERE (escaped dots).
rb_mx_sender() {
	_ms_q=$(sed -n "s/.* \([0-9A-F]*\): to=<$2>.*status=sent.*/\1/p" "$(pf_log "$1")" | head -1)
	[ -n "$_ms_q" ] && sed -n "s/.* $_ms_q: from=<\([^>]*\)>.*/\1/p" "$(pf_log "$1")" | head -1
}

# rb_delivered NAME: deliveries the rebound pipe(8) service finished
# (rebound-pipe exited 0: recorded, or deliberately discarded).
rb_delivered() { pf_log_count "$1" 'relay=rebound,.* status=sent'; }
