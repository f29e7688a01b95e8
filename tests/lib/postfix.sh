# shellcheck shell=sh disable=SC2034
# tests/lib/postfix.sh: the shared Postfix test harness (POSIX sh, sourced).
# Runs throw-away Postfix instances on 127.0.0.1 only, each with its own
# config_directory, queue_directory and data_directory under one mktemp
# directory, on ports picked free at run time, logging to a file through
# postlogd; never touches the system's /etc/postfix. Everything started
# through it is stopped by pf_cleanup, which pf_init installs as the trap
# for EXIT, INT and TERM (a caller with its own trap calls pf_cleanup in it).
#
#   . tests/lib/postfix.sh
#   pf_init                          # $PF_TMP, the trap; needs root
#   mx=$(pf_free_port); out=$(pf_free_port)
#   pf_remote_mx mx "$mx" remote.test \
#       'bad@remote.test 550 5.1.1 <bad@remote.test>: user unknown'
#   pf_instance out; pf_listen out "$out"; pf_relay out "$mx"
#   pf_start mx; pf_start out
#   swaks --server 127.0.0.1 --port "$out" ...
#   pf_wait_log out 'status=bounced' 10
#
# Other helpers: pf_conf / pf_master (postconf -e / -M on an instance),
# pf_return_domain (transport_maps + a pipe(8) transport for the return
# domain), pf_test_user (the unprivileged user pipe(8) and the milter run
# as), pf_bg / pf_bg_stop (background daemons, e.g. rebound-milter),
# pf_wait (bounded polling), pf_swaks. Functions return non-zero and say why
# on stderr; they never exit the caller.

# This directory (master.cf): callers source the harness from the top of
# the repository, or set PF_LIB.
PF_LIB=${PF_LIB:-tests/lib}
PF_POSTFIX=${PF_POSTFIX:-/usr/sbin/postfix}
PF_POSTCONF=${PF_POSTCONF:-/usr/sbin/postconf}
PF_MASTER=${PF_MASTER:-/usr/lib/postfix/sbin/master}
# The unprivileged user that pipe(8) runs rebound-pipe as, and that
# rebound-milter drops to (rebound-pipe refuses root; pipe(8) needs a user).
PF_USER=${PF_USER:-rebound-test}
PF_TMP=
PF_INSTANCES=
PF_BGS=
PF_PORTS=

pf_say() { echo "# $*" >&2; }

# pf_init: make $PF_TMP and install the cleanup trap. Returns 1 (with a
# reason in $PF_SKIP) when this machine cannot run Postfix instances.
pf_init() {
	# shellcheck disable=SC2034
	PF_SKIP=
	if [ "$(id -u)" -ne 0 ]; then
		PF_SKIP="needs root (Postfix refuses to run otherwise)"; return 1
	fi
	for t in "$PF_POSTFIX" "$PF_POSTCONF" "$PF_MASTER" /usr/bin/swaks /usr/bin/sqlite3 /usr/bin/ss; do
		[ -x "$t" ] || { PF_SKIP="$t is missing (scripts/install-deps)"; return 1; }
	done
	if ! PF_LIB=$(cd "$PF_LIB" && pwd) || [ ! -f "$PF_LIB/master.cf" ]; then
		PF_SKIP="no $PF_LIB/master.cf"; return 1
	fi
	getent passwd postfix >/dev/null || { PF_SKIP="no postfix user (package not installed?)"; return 1; }
	PF_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rebound-pf.XXXXXX") || { PF_SKIP="mktemp failed"; return 1; }
	# Postfix daemons, pipe(8) and the milter run as other users: they
	# must be able to traverse the tree (files stay private where needed).
	chmod 755 "$PF_TMP"
	trap 'pf_cleanup' EXIT
	trap 'pf_cleanup; trap - INT; kill -INT $$' INT
	trap 'pf_cleanup; trap - TERM; kill -TERM $$' TERM
	return 0
}

# pf_cleanup: stop every background process and instance started through
# the harness, with bounded waits, then remove $PF_TMP (unless PF_KEEP=1,
# for debugging). Safe to call more than once.
pf_cleanup() {
	for b in $PF_BGS; do pf_bg_stop "$b"; done
	PF_BGS=
	# shellcheck disable=SC2086
	pf_stop $PF_INSTANCES
	PF_INSTANCES=
	pf_leftovers
	if [ -n "$PF_TMP" ] && [ -d "$PF_TMP" ]; then
		if [ "${PF_KEEP:-0}" = 1 ]; then
			pf_say "kept $PF_TMP"
		else
			rm -rf "$PF_TMP"
		fi
	fi
	PF_TMP=
}

# pf_leftovers: the last resort of pf_cleanup: SIGKILL any process still
# running from a command line that names $PF_TMP (unique to this run, so
# every such process was started by it), and say so.
pf_leftovers() {
	[ -n "$PF_TMP" ] || return 0
	for _pl_f in $(grep -laF -- "$PF_TMP/" /proc/[0-9]*/cmdline 2>/dev/null); do
		_pl_pid=${_pl_f#/proc/}; _pl_pid=${_pl_pid%/cmdline}
		[ "$_pl_pid" != $$ ] || continue
		# (read again: the grep above matched its own command line)
		_pl_cmd=$( { tr '\0' ' ' <"$_pl_f"; } 2>/dev/null)
		case $_pl_cmd in *"$PF_TMP/"*) ;; *) continue ;; esac
		pf_say "left over after stop: pid $_pl_pid: $_pl_cmd"
		kill -KILL "$_pl_pid" 2>/dev/null
	done
	return 0
}

# pf_wait SECS CMD...: run CMD every 0.1 s until it succeeds (0) or SECS
# pass (1).
pf_wait() {
	_pw_n=$(($1 * 10)); shift
	while [ "$_pw_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_pw_n=$((_pw_n - 1))
	done
	"$@"
}

# pf_port_busy PORT: true when a TCP socket of this machine has PORT as its
# local port (listening or connected) or the harness has already handed the
# port out.
pf_port_busy() {
	case " $PF_PORTS " in *" $1 "*) return 0 ;; esac
	[ -n "$(ss -Htan "sport = :$1" 2>/dev/null)" ]
}

# pf_free_port: print a TCP port that no socket uses, from 10000 up to the
# kernel's ephemeral range (ip_local_port_range, 32768 by default): a port
# in that range may be taken by any outgoing connection (Postfix's smtp
# client, a test's swaks) between the pick and the listener's bind, which
# then fails with EADDRINUSE. Other helpers pick ports the same way: a clash
# shows as a failed start (pf_start says so), never as a test talking to a
# stranger's Postfix, since every instance has its own host name in its
# banner.
pf_free_port() {
	_pf_lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	case $_pf_lo in '' | *[!0-9]*) _pf_lo=32768 ;; esac
	[ "$_pf_lo" -gt 12000 ] || _pf_lo=60000 # (an odd range: 10000-59999 as before)
	_pf_try=0
	while [ "$_pf_try" -lt 200 ]; do
		_pf_p=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % (_pf_lo - 10000) + 10000 ))
		if ! pf_port_busy "$_pf_p"; then
			PF_PORTS="$PF_PORTS $_pf_p"
			echo "$_pf_p"
			return 0
		fi
		_pf_try=$((_pf_try + 1))
	done
	pf_say "pf_free_port: no free port found"
	return 1
}

# pf_test_user: make sure the unprivileged system user $PF_USER exists,
# with a group of the same name, and that the postfix account is a member
# of that group (idempotent; needs root). This is how docs/install.md
# sets up user rebound on a real server: Postfix's smtpd (which keeps the
# supplementary groups of postfix) must connect to rebound-milter's socket
# (mode 0660, group rebound) and read the database (directory 2770, files
# 0660) through the sqlite: table. pipe(8) refuses a user= whose group is
# postfix's own, hence a group of its own.
pf_test_user() {
	if ! getent passwd "$PF_USER" >/dev/null; then
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$PF_USER" 2>/dev/null ||
			getent passwd "$PF_USER" >/dev/null || { pf_say "cannot create user $PF_USER"; return 1; }
	fi
	if [ "$(id -gn "$PF_USER")" = postfix ]; then
		getent group "$PF_USER" >/dev/null || groupadd --system "$PF_USER" || return 1
		usermod -g "$PF_USER" "$PF_USER" || { pf_say "cannot set the group of $PF_USER"; return 1; }
	fi
	PF_GROUP=$(id -gn "$PF_USER")
	case " $(id -Gn postfix) " in
	*" $PF_GROUP "*) ;;
	*) usermod -a -G "$PF_GROUP" postfix || { pf_say "cannot add postfix to group $PF_GROUP"; return 1; } ;;
	esac
}

# pf_user_dir DIR [MODE]: make DIR owned by $PF_USER and its group, mode
# MODE (default 2770: what is created in it stays in the group).
pf_user_dir() {
	mkdir -p "$1" && chown "$PF_USER:$(id -gn "$PF_USER")" "$1" && chmod "${2:-2770}" "$1"
}

pf_dir() { echo "$PF_TMP/$1"; }
pf_log() { echo "$PF_TMP/$1/maillog"; }

# pf_conf NAME 'param = value'...: postconf -e on the instance's main.cf.
pf_conf() {
	_pc_i=$1; shift
	"$PF_POSTCONF" -c "$PF_TMP/$_pc_i/etc" -e "$@" || { pf_say "postconf -e failed on $_pc_i: $*"; return 1; }
}

# pf_master NAME 'service/type = entry'...: postconf -M on master.cf.
pf_master() {
	_pm_i=$1; shift
	"$PF_POSTCONF" -c "$PF_TMP/$_pm_i/etc" -M "$@" || { pf_say "postconf -M failed on $_pm_i: $*"; return 1; }
}

# pf_instance NAME: a fresh instance in $PF_TMP/NAME: etc/ (main.cf,
# master.cf), queue/, data/, maillog. Host name NAME.test; no SMTP
# listener yet (pf_listen); mail for NAME.test itself is discarded.
# Queue timings are fast: retries every second, soft failures kept for
# $PF_LIFETIME (default 6s), delay warnings after $PF_DELAY_WARNING
# (default 0h: none).
pf_instance() {
	_pi=$PF_TMP/$1
	mkdir -p "$_pi/etc" "$_pi/queue" "$_pi/data" || return 1
	chown postfix "$_pi/data" || return 1
	: >"$_pi/maillog"
	printf '%s.test discard:\n' "$1" >"$_pi/etc/transport"
	cat >"$_pi/etc/main.cf" <<EOF
# main.cf of the test instance $1 (tests/lib/postfix.sh)
compatibility_level = 3.6
queue_directory = $_pi/queue
data_directory = $_pi/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $1.test
mydomain = test
myorigin = \$myhostname
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
smtputf8_enable = no
biff = no
smtpd_banner = \$myhostname ESMTP rebound test instance
maillog_file = $_pi/maillog
maillog_file_prefixes = $PF_TMP
transport_maps = texthash:$_pi/etc/transport
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maximal_queue_lifetime = ${PF_LIFETIME:-6s}
bounce_queue_lifetime = ${PF_LIFETIME:-6s}
delay_warning_time = ${PF_DELAY_WARNING:-0h}
smtp_connect_timeout = 5s
EOF
	# Debian's services, chroot column n, and postlogd for maillog_file.
	# No inet listener: pf_listen adds it.
	cp "$PF_LIB/master.cf" "$_pi/etc/master.cf" || return 1
	return 0
}

# pf_listen NAME PORT [-o param=value]...: an smtpd on 127.0.0.1:PORT.
pf_listen() {
	_pl_i=$1; _pl_port=$2; shift 2
	pf_master "$_pl_i" "127.0.0.1:$_pl_port/inet = 127.0.0.1:$_pl_port inet n - n - - smtpd $*"
}

# pf_relay NAME PORT: send all mail that has no transport_maps entry to
# the instance listening on 127.0.0.1:PORT.
pf_relay() {
	pf_conf "$1" "relayhost = [127.0.0.1]:$2"
}

# pf_transport NAME 'domain transport:'...: add transport_maps entries.
pf_transport() {
	_pt_i=$1; shift
	for _pt_l in "$@"; do printf '%s\n' "$_pt_l" >>"$PF_TMP/$_pt_i/etc/transport"; done
}

# pf_remote_mx NAME PORT DOMAIN ['address CODE text']...: an instance that
# plays the remote MX of DOMAIN on 127.0.0.1:PORT: it answers RCPT TO per
# recipient from check_recipient_access texthash lines ("address 550
# 5.1.1 User unknown", "address 450 4.2.2 Mailbox full", ...), accepts
# (and discards) everything else in DOMAIN, and relays nothing.
pf_remote_mx() {
	_pr_i=$1; _pr_port=$2; _pr_dom=$3; shift 3
	pf_instance "$_pr_i" || return 1
	: >"$PF_TMP/$_pr_i/etc/rcpt_access"
	for _pr_l in "$@"; do printf '%s\n' "$_pr_l" >>"$PF_TMP/$_pr_i/etc/rcpt_access"; done
	pf_transport "$_pr_i" "$_pr_dom discard:"
	pf_conf "$_pr_i" "relay_domains = $_pr_dom" \
		"smtpd_relay_restrictions = reject_unauth_destination" \
		"smtpd_recipient_restrictions = check_recipient_access texthash:$PF_TMP/$_pr_i/etc/rcpt_access, permit_auth_destination, reject" &&
	pf_listen "$_pr_i" "$_pr_port"
}

# pf_return_domain NAME DOMAIN TRANSPORT USER ARGV...: route DOMAIN (the
# return domain) through transport_maps to a pipe(8) transport named
# TRANSPORT that runs ARGV as USER, one recipient per delivery, as
# postfix-config/master.cf describes it. ARGV is the pipe(8) argv, macros
# such as ${recipient} included.
pf_return_domain() {
	_prd_i=$1; _prd_dom=$2; _prd_t=$3; _prd_u=$4; shift 4
	pf_transport "$_prd_i" "$_prd_dom $_prd_t:"
	# (read with sed: postconf waits while main.cf is younger than 1 s)
	_prd_rd=$(sed -n 's/^relay_domains = //p' "$PF_TMP/$_prd_i/etc/main.cf")
	pf_conf "$_prd_i" "relay_domains = ${_prd_rd:+$_prd_rd, }$_prd_dom" "recipient_delimiter = +" \
		"${_prd_t}_destination_recipient_limit = 1" &&
	pf_master "$_prd_i" "$_prd_t/unix = $_prd_t unix - n n - - pipe flags=Rq user=$_prd_u null_sender= argv=$*"
}

# pf_master_pid NAME: the instance's master pid, if it runs.
pf_master_pid() {
	_pp=$(sed -n '1s/[^0-9]//gp' "$PF_TMP/$1/queue/pid/master.pid" 2>/dev/null)
	[ -n "$_pp" ] && kill -0 "$_pp" 2>/dev/null && echo "$_pp"
}

pf_listening() { [ -n "$(ss -Htanl "sport = :$1" 2>/dev/null)" ]; }

# pf_queue_dirs DIR: the queue directory's subdirectories, owners and
# modes from /etc/postfix/postfix-files.
pf_queue_dirs() {
	(
		cd "$1" || exit 1
		_pq_private="active bounce corrupt defer deferred flush hold incoming private saved trace"
		# shellcheck disable=SC2086
		mkdir -p $_pq_private maildrop public pid &&
		chown postfix $_pq_private && chmod 700 $_pq_private &&
		chown postfix:postdrop maildrop public && chmod 730 maildrop && chmod 710 public &&
		chown root pid && chmod 755 pid
	)
}

# pf_start NAME: start the instance and wait (bounded) until its master
# runs and every 127.0.0.1:PORT it has in master.cf listens.
pf_start() {
	_ps_d=$PF_TMP/$1
	case " $PF_INSTANCES " in *" $1 "*) ;; *) PF_INSTANCES="$PF_INSTANCES $1" ;; esac
	# The queue's subdirectories as postfix-files has them: "postfix
	# start" would make them too, but its checks take seconds; master -w
	# starts in a tenth of a second and waits until the services run.
	pf_queue_dirs "$_ps_d/queue" || return 1
	# Postfix rereads a main.cf younger than a second until it is older
	# (1.5 s per start): date it back.
	touch -d '-5 seconds' "$_ps_d/etc/main.cf"
	if ! "$PF_MASTER" -c "$_ps_d/etc" -w >"$_ps_d/start.out" 2>&1; then
		pf_say "starting instance $1 failed:"; sed 's/^/#   /' "$_ps_d/start.out" "$_ps_d/maillog" >&2
		return 1
	fi
	for _ps_port in $(sed -n 's/^127\.0\.0\.1:\([0-9]*\)[[:space:]].*/\1/p' "$_ps_d/etc/master.cf"); do
		if ! pf_wait 10 pf_listening "$_ps_port"; then
			pf_say "instance $1 does not listen on 127.0.0.1:$_ps_port (port taken?)"
			sed 's/^/#   /' "$_ps_d/maillog" >&2
			return 1
		fi
	done
	return 0
}

# pf_stop NAME...: stop the instances as "postfix stop" does (SIGTERM to
# the master, which ends its children), all at once; after 10 s, SIGKILL
# what is left of their process groups.
pf_stop() {
	_pst_pids=
	for _pst_i in "$@"; do
		_pst_pid=$(pf_master_pid "$_pst_i") || continue
		kill -TERM "$_pst_pid" 2>/dev/null && _pst_pids="$_pst_pids $_pst_pid"
	done
	for _pst_pid in $_pst_pids; do
		if ! pf_wait 10 pf_not_running "$_pst_pid"; then
			pf_say "Postfix master $_pst_pid did not stop in 10 s: SIGKILL"
			kill -KILL "-$_pst_pid" "$_pst_pid" 2>/dev/null
			pf_wait 5 pf_not_running "$_pst_pid"
		fi
	done
	return 0
}

pf_not_running() { ! kill -0 "$1" 2>/dev/null; }

# pf_reload NAME: what "postfix reload" does (SIGHUP to the master), after
# a change to main.cf, master.cf or a table.
pf_reload() {
	_prl_pid=$(pf_master_pid "$1") || { pf_say "instance $1 is not running"; return 1; }
	touch -d '-5 seconds' "$PF_TMP/$1/etc/main.cf"
	kill -HUP "$_prl_pid"
}

# pf_flush NAME: retry deferred mail now.
pf_flush() {
	/usr/sbin/postqueue -c "$PF_TMP/$1/etc" -f >/dev/null 2>&1
}

# pf_queue_empty NAME: true when the instance's queue holds no message.
pf_queue_empty() {
	[ -z "$(find "$PF_TMP/$1/queue/incoming" "$PF_TMP/$1/queue/active" \
		"$PF_TMP/$1/queue/deferred" "$PF_TMP/$1/queue/maildrop" -type f 2>/dev/null | head -1)" ]
}

# pf_log_has NAME ERE: true when the instance's log has a matching line.
pf_log_has() { grep -Eq -- "$2" "$PF_TMP/$1/maillog"; }
# pf_log_count NAME ERE: how many lines match.
pf_log_count() { grep -Ec -- "$2" "$PF_TMP/$1/maillog"; }

# pf_wait_log NAME ERE [SECS]: wait (default 15 s) for a matching line.
pf_wait_log() {
	pf_wait "${3:-15}" pf_log_has "$1" "$2"
}

# pf_swaks PORT ARGS...: swaks against 127.0.0.1:PORT, quiet; the
# transcript goes to $PF_SWAKS_OUT (default $PF_TMP/swaks.out).
pf_swaks() {
	_sw_port=$1; shift
	swaks --server 127.0.0.1 --port "$_sw_port" --timeout 10 "$@" >"${PF_SWAKS_OUT:-$PF_TMP/swaks.out}" 2>&1
}

# pf_bg NAME CMD...: start CMD in the background (stdout and stderr to
# $PF_TMP/NAME.log), remembered for pf_bg_stop and pf_cleanup.
pf_bg() {
	_pb_n=$1; shift
	"$@" >"$PF_TMP/$_pb_n.log" 2>&1 &
	echo $! >"$PF_TMP/$_pb_n.pid"
	case " $PF_BGS " in *" $_pb_n "*) ;; *) PF_BGS="$PF_BGS $_pb_n" ;; esac
}

# pf_bg_stop NAME [SECS]: SIGTERM, wait up to SECS (default 6), SIGKILL.
# libmilter can take seconds to stop listening after SIGTERM.
pf_bg_stop() {
	_pbs_f=$PF_TMP/$1.pid
	[ -f "$_pbs_f" ] || return 0
	_pbs_pid=$(cat "$_pbs_f"); rm -f "$_pbs_f"
	kill -TERM "$_pbs_pid" 2>/dev/null || return 0
	if ! pf_wait "${2:-6}" pf_not_running "$_pbs_pid"; then
		kill -KILL "$_pbs_pid" 2>/dev/null
		pf_wait 2 pf_not_running "$_pbs_pid"
	fi
	wait "$_pbs_pid" 2>/dev/null
	return 0
}
