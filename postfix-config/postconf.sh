#!/bin/sh
# postconf.sh: sets up Postfix for rebound with postconf(1): the changes of
# postfix-config/main.cf and master.cf, with the names taken from
# rebound.conf (return_domain, recipient_delimiter, milter_socket, user,
# database), and the suppression table: with an SQLite database,
# /etc/postfix/rebound-suppressed.cf written from
# postfix-config/rebound-suppressed.cf with dbpath = database; with a
# PostgreSQL one (database = postgresql://...), the pgsql: table
# /etc/postfix/rebound-suppressed-pgsql.cf written from
# postfix-config/rebound-suppressed-pgsql.cf with hosts = the URI of -t
# (Postfix's read-only role; default: database itself, with a warning) and
# dbname = the database the URI names (Debian's postfix-pgsql reads it).
# Idempotent: run it again after changing rebound.conf. It never touches
# users, groups or permissions (docs/install.md) and never reloads Postfix.
#
#   postconf.sh [-n] [-c POSTFIX_DIR] [-r REBOUND_CONF] [-l HOST:PORT]
#               [-p REBOUND_PIPE] [-b REBOUND] [-t URI]
#   -n   print the commands instead of running them
#   -c   Postfix's configuration directory (default /etc/postfix)
#   -r   rebound.conf (default /etc/rebound/rebound.conf)
#   -l   the list submission service's address (default 127.0.0.1:10025)
#   -p   rebound-pipe (default: next to this script's rebound, else
#        /usr/local/sbin/rebound-pipe)
#   -b   the rebound program, which reads rebound.conf (default: rebound in
#        PATH, else /usr/local/bin/rebound)
#   -t   PostgreSQL store only: the postgresql:// URI Postfix's table logs in
#        with, as the role that may only read the suppressed view
#        (docs/install.md, "Several MTAs"); default: database
set -eu

dry=0
pfdir=/etc/postfix
rconf=/etc/rebound/rebound.conf
listen=127.0.0.1:10025
pipe_prog=
rebound=
table_uri=

usage() {
	sed -n '/^#   postconf.sh \[/,/^set -eu/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

while getopts nc:r:l:p:b:t: opt; do
	case $opt in
	n) dry=1 ;;
	c) pfdir=$OPTARG ;;
	r) rconf=$OPTARG ;;
	l) listen=$OPTARG ;;
	p) pipe_prog=$OPTARG ;;
	b) rebound=$OPTARG ;;
	t) table_uri=$OPTARG ;;
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
# The suppression table: sqlite: on the file, or pgsql: on the server.
case $database in
postgresql://* | postgres://* | *=*)
	table_kind=pgsql
	if [ -z "$table_uri" ]; then
		case $database in
		postgresql://* | postgres://*) ;;
		*) die "database is a conninfo string: give Postfix's table a postgresql:// URI with -t (docs/install.md, \"Several MTAs\")" ;;
		esac
		table_uri=$database
		echo "postconf.sh: warning: Postfix's table logs in as rebound's own role; give it a read-only role with -t URI (docs/install.md, \"Several MTAs\")" >&2
	fi
	case $table_uri in
	postgresql://* | postgres://*) ;;
	*) die "-t wants a postgresql:// URI" ;;
	esac
	# postgresql://[userinfo@][hosts][/dbname][?params]: the path is the
	# database name (Postfix's pgsql: client wants it as dbname too)
	dbname=${table_uri#*://}
	dbname=${dbname%%\?*}
	case $dbname in */*) dbname=${dbname#*/} ;; *) dbname= ;; esac
	case $dbname in
	"" | */* | *[!A-Za-z0-9_.-]*) die "$table_uri: name the database in the URI's path (postgresql://ROLE@HOST/DBNAME?...)" ;;
	esac
	table_file=rebound-suppressed-pgsql.cf
	;;
*)
	[ -z "$table_uri" ] || die "-t is for a PostgreSQL store; database is $database"
	table_kind=sqlite
	table_file=rebound-suppressed.cf
	;;
esac
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
	"$svc/smtpd_recipient_restrictions=check_recipient_access,$table_kind:$pfdir/$table_file,permit_mynetworks,reject"

set -- "rebound_destination_recipient_limit = 1" "milter_default_action = tempfail"
[ -z "$relay_new" ] || set -- "$@" "relay_domains = $relay_new"
[ -z "$transport_new" ] || set -- "$@" "transport_maps = $transport_new"
[ -z "$delim_new" ] || set -- "$@" "recipient_delimiter = $delim_new"
run postconf -c "$pfdir" -e "$@"

# The suppression table, with rebound's database.
here=$(cd "$(dirname "$0")" && pwd)
template=$here/$table_file
[ -f "$template" ] || die "$template not found"
# (| and & would end sed's replacement: the URI is escaped for it)
if [ "$table_kind" = pgsql ]; then
	set -- -e "s|^hosts = .*|hosts = $(printf '%s' "$table_uri" | sed 's/[|&\\]/\\&/g')|" -e "s|^dbname = .*|dbname = $dbname|"
else
	set -- -e "s|^dbpath = .*|dbpath = $(printf '%s' "$database" | sed 's/[|&\\]/\\&/g')|"
fi
if [ "$dry" -eq 1 ]; then
	printf 'sed'
	printf " '%s'" "$@" "$template"
	printf " > '%s'\n" "$pfdir/$table_file"
else
	tmp=$pfdir/.$table_file.$$
	if ! sed "$@" "$template" >"$tmp" || ! chmod 644 "$tmp" || ! mv "$tmp" "$pfdir/$table_file"; then
		rm -f "$tmp"
		die "cannot write $pfdir/$table_file"
	fi
	if [ "$table_kind" = pgsql ]; then
		echo "postconf.sh: done; now: postfix check && postfix reload (Debian's postfix-pgsql must be installed: docs/install.md, \"Several MTAs\")" >&2
	else
		echo "postconf.sh: done; now: postfix check && postfix reload (user postfix must be in the group of $database: docs/install.md)" >&2
	fi
fi
