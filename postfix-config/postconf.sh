#!/bin/sh
# postconf.sh: sets up Postfix for rebound with postconf(1): the changes of
# postfix-config/main.cf and master.cf, with the names taken from
# rebound.conf (return_domain, recipient_delimiter, milter_socket, user,
# database), and /etc/postfix/rebound-suppressed.cf written from
# postfix-config/rebound-suppressed.cf with dbpath = database.
# Idempotent: run it again after changing rebound.conf. It never touches
# users, groups or permissions (docs/install.md) and never reloads Postfix.
#
#   postconf.sh [-n] [-c POSTFIX_DIR] [-r REBOUND_CONF] [-l HOST:PORT]
#               [-p REBOUND_PIPE] [-b REBOUND]
#   -n   print the commands instead of running them
#   -c   Postfix's configuration directory (default /etc/postfix)
#   -r   rebound.conf (default /etc/rebound/rebound.conf)
#   -l   the list submission service's address (default 127.0.0.1:10025)
#   -p   rebound-pipe (default: next to this script's rebound, else
#        /usr/local/sbin/rebound-pipe)
#   -b   the rebound program, which reads rebound.conf (default: rebound in
#        PATH, else /usr/local/bin/rebound)
set -eu

dry=0
pfdir=/etc/postfix
rconf=/etc/rebound/rebound.conf
listen=127.0.0.1:10025
pipe_prog=
rebound=

usage() {
	sed -n '10,19s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while getopts nc:r:l:p:b: opt; do
	case $opt in
	n) dry=1 ;;
	c) pfdir=$OPTARG ;;
	r) rconf=$OPTARG ;;
	l) listen=$OPTARG ;;
	p) pipe_prog=$OPTARG ;;
	b) rebound=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage

die() { echo "postconf.sh: $*" >&2; exit 1; }

if [ -z "$rebound" ]; then
	rebound=$(command -v rebound 2>/dev/null || echo /usr/local/bin/rebound)
fi
[ -x "$rebound" ] || die "$rebound not found (make install, or -b PATH)"
if [ -z "$pipe_prog" ]; then
	pipe_prog=$(dirname "$rebound")/rebound-pipe
	[ -x "$pipe_prog" ] || pipe_prog=$(dirname "$(dirname "$rebound")")/sbin/rebound-pipe
fi
[ -x "$pipe_prog" ] || die "$pipe_prog not found (-p PATH)"
case $listen in *:[0-9]*) ;; *) die "-l wants HOST:PORT, e.g. 127.0.0.1:10025" ;; esac
[ -f "$pfdir/main.cf" ] || die "$pfdir/main.cf not found: Postfix is not configured there (Debian's \"No configuration\"? dpkg-reconfigure postfix; docs/install.md, step 0), or give its directory with -c DIR"

# The settings Postfix must agree with, as rebound itself reads them.
settings=$("$rebound" -c "$rconf" config check) || die "$rconf is not valid (rebound config check)"
setting() { printf '%s\n' "$settings" | sed -n "s/^$1 = //p"; }
domain=$(setting return_domain)
delim=$(setting recipient_delimiter)
socket=$(setting milter_socket)
user=$(setting user)
database=$(setting database)
if [ -z "$domain" ] || [ -z "$user" ] || [ -z "$database" ]; then
	die "cannot read the settings of $rconf"
fi
getent passwd "$user" >/dev/null || echo "postconf.sh: warning: user $user does not exist yet (docs/install.md)" >&2

# rebound's socket syntax to Postfix's: inet:PORT@HOST -> inet:HOST:PORT.
case $socket in
unix:* | local:*) pf_socket=unix:${socket#*:} ;;
inet:*@* | inet6:*@*)
	port=${socket#*:}; port=${port%%@*}
	pf_socket=inet:${socket#*@}:$port ;;
inet:*) pf_socket=inet:127.0.0.1:${socket#inet:} ;;
*) die "milter_socket $socket: unknown form" ;;
esac

# Read everything first: postconf waits while main.cf is younger than a
# second, so reads after the first write would be slow.
pc() { postconf -c "$pfdir" "$@"; }
relay_set=$(pc -nh relay_domains)
relay_now=$(pc -xh relay_domains)
transport_set=$(pc -nh transport_maps)
delim_now=$(pc -xh recipient_delimiter)

# relay_domains: add the return domain.
case ", $(printf '%s' "$relay_now" | tr ' ' ','), " in
*", $domain, "* | *",$domain,"*) relay_new= ;;
*)
	if [ -n "$relay_set" ]; then relay_new="$relay_set, $domain"
	elif [ -n "$relay_now" ]; then relay_new="\$mydestination, $domain"
	else relay_new=$domain
	fi ;;
esac
# transport_maps: the return domain to the rebound service, looked up first.
route="inline:{ $domain=rebound: }"
case $transport_set in
*"$domain=rebound:"*) transport_new= ;;
"") transport_new=$route ;;
*) transport_new="$route, $transport_set" ;;
esac
# recipient_delimiter: must hold rebound's character.
case $delim_now in
*"$delim"*) delim_new= ;;
*) delim_new="$delim_now$delim" ;;
esac

run() {
	if [ "$dry" -eq 1 ]; then
		for a in "$@"; do printf "'%s' " "$a"; done
		echo
	else
		"$@"
	fi
}

svc="$listen/inet"
# master.cf first: postconf -e warns about rebound_* parameters of a
# service it does not know.
run postconf -c "$pfdir" -M "rebound/unix=rebound unix - n n - - pipe flags=Rq user=$user null_sender= argv=$pipe_prog -c $rconf -q \${queue_id} -a \${client_address} -- \${recipient}"
run postconf -c "$pfdir" -M "$svc=$listen inet n - n - - smtpd"
run postconf -c "$pfdir" -P "$svc/syslog_name=postfix/lists" \
	"$svc/mynetworks=127.0.0.0/8" \
	"$svc/milter_macro_daemon_name=lists" \
	"$svc/smtpd_milters=$pf_socket" \
	"$svc/smtpd_recipient_restrictions=check_recipient_access,sqlite:$pfdir/rebound-suppressed.cf,permit_mynetworks,reject"

set -- "rebound_destination_recipient_limit = 1" "milter_default_action = tempfail"
[ -z "$relay_new" ] || set -- "$@" "relay_domains = $relay_new"
[ -z "$transport_new" ] || set -- "$@" "transport_maps = $transport_new"
[ -z "$delim_new" ] || set -- "$@" "recipient_delimiter = $delim_new"
run postconf -c "$pfdir" -e "$@"

# The suppression table, with rebound's database.
here=$(cd "$(dirname "$0")" && pwd)
template=$here/rebound-suppressed.cf
[ -f "$template" ] || die "$template not found"
if [ "$dry" -eq 1 ]; then
	echo "sed 's|^dbpath = .*|dbpath = $database|' '$template' > '$pfdir/rebound-suppressed.cf'"
else
	tmp=$pfdir/.rebound-suppressed.cf.$$
	if ! sed "s|^dbpath = .*|dbpath = $database|" "$template" >"$tmp" || ! chmod 644 "$tmp" ||
		! mv "$tmp" "$pfdir/rebound-suppressed.cf"; then
		rm -f "$tmp"
		die "cannot write $pfdir/rebound-suppressed.cf"
	fi
	echo "postconf.sh: done; now: postfix check && postfix reload (user postfix must be in the group of $database: docs/install.md)" >&2
fi
