# shellcheck shell=sh
# tests/lib/pgsql.sh: a private PostgreSQL 15 server for the tests and the
# benchmark (POSIX sh, sourced). initdb and pg_ctl in a directory of the
# caller's, listening on a unix socket in that directory only (no TCP), on
# a port number of its own (the number names the socket file), so that
# several checkouts can test at once. As root, the server runs as user
# postgres (Debian's package creates it).
#   pg_start DIR [SETTING...]  initdb DIR/data, start; sets PG_HOST (the
#                      socket directory), PG_PORT, PG_ADMIN (a conninfo for
#                      database postgres) and PG_LOG; extra settings are
#                      postgresql.conf lines ("fsync = off")
#   pg_createdb NAME   a new database NAME; prints its conninfo
#   pg_psql DB SQL     psql -X -A -t on database DB (a name)
#   pg_ctl_stop        stop the server (fast), if this shell started it
#   pg_ctl_restart     stop and start it again (same port and data)
# Return non-zero with the reason in $PG_ERR; never exit the caller.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=
PG_HOST=
PG_PORT=
PG_ADMIN=
PG_LOG=
PG_ERR=
PG_STARTED=

# pg_as_owner CMD...: run CMD as the server's owner (postgres when root).
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_free_port: a port number no other server of this machine uses now
# (the socket file of each number in /tmp and our dir is checked too).
pg_free_port() {
	_p=$(( (($$ * 7919) + $(date +%N | sed 's/^0*//;s/^$/0/')) % 20000 + 35000 ))
	_i=0
	while [ "$_i" -lt 200 ]; do
		if ! ss -Hlxn 2>/dev/null | grep -q "\.s\.PGSQL\.$_p\b" &&
			! ss -Hltn 2>/dev/null | grep -q ":$_p\b"; then
			echo "$_p"
			return 0
		fi
		_p=$((_p + 1))
		_i=$((_i + 1))
	done
	return 1
}

pg_start() {
	PG_DIR=$1
	shift
	if [ ! -x "$PG_BIN/initdb" ]; then
		PG_ERR="no PostgreSQL 15 server in $PG_BIN (scripts/install-deps installs postgresql-15)"
		return 1
	fi
	mkdir -p "$PG_DIR" || { PG_ERR="cannot make $PG_DIR"; return 1; }
	chmod 755 "$PG_DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
	PG_LOG=$PG_DIR/server.log
	if ! pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
		--no-sync >"$PG_DIR/initdb.log" 2>&1; then
		PG_ERR="initdb failed: $(tail -3 "$PG_DIR/initdb.log")"
		return 1
	fi
	PG_PORT=$(pg_free_port) || { PG_ERR="no free port"; return 1; }
	PG_HOST=$PG_DIR
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$PG_DIR'"
		echo "port = $PG_PORT"
		echo "max_connections = 200"
		echo "shared_buffers = 64MB"
		for _s in "$@"; do echo "$_s"; done
	} >>"$PG_DIR/data/postgresql.conf"
	pg_ctl_start || return 1
	PG_ADMIN="host=$PG_HOST port=$PG_PORT user=postgres dbname=postgres"
}

pg_ctl_start() {
	if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_LOG" -w -t 60 start >/dev/null 2>&1; then
		PG_ERR="pg_ctl start failed: $(tail -5 "$PG_LOG" 2>/dev/null)"
		return 1
	fi
	PG_STARTED=1
}

pg_ctl_stop() {
	[ -n "$PG_STARTED" ] || return 0
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
		pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	PG_STARTED=
}

pg_ctl_restart() {
	pg_ctl_stop
	pg_ctl_start
}

pg_psql() {
	psql -X -A -t -q -v ON_ERROR_STOP=1 "host=$PG_HOST port=$PG_PORT user=postgres dbname=$1" -c "$2"
}

pg_createdb() {
	if ! pg_psql postgres "CREATE DATABASE \"$1\"" >/dev/null 2>&1; then
		PG_ERR="cannot create database $1"
		return 1
	fi
	echo "host=$PG_HOST port=$PG_PORT user=postgres dbname=$1"
}

# pgbouncer in front of the server, as docs/install.md has each MTA run it
# (transaction pooling, a unix socket only):
#   pgb_start DIR     start it; sets PGB_CONN ("host=DIR port=N user=postgres",
#                     add dbname=...) and PGB_DIR; every database of the
#                     server is reachable through it
#   pgb_stop          stop it, if this shell started it
PGB_DIR=
PGB_CONN=
PGB_STARTED=
pgb_start() {
	PGB_DIR=$1
	if ! command -v pgbouncer >/dev/null; then
		PG_ERR="no pgbouncer (scripts/install-deps installs it)"
		return 1
	fi
	mkdir -p "$PGB_DIR" || { PG_ERR="cannot make $PGB_DIR"; return 1; }
	chmod 755 "$PGB_DIR"
	_port=$(pg_free_port) || { PG_ERR="no free port"; return 1; }
	printf '"postgres" ""\n' >"$PGB_DIR/userlist.txt"
	cat >"$PGB_DIR/pgbouncer.ini" <<EOT
[databases]
* = host=$PG_HOST port=$PG_PORT
[pgbouncer]
listen_addr =
unix_socket_dir = $PGB_DIR
listen_port = $_port
pool_mode = transaction
auth_type = trust
auth_file = $PGB_DIR/userlist.txt
max_client_conn = 1000
default_pool_size = 20
logfile = $PGB_DIR/pgbouncer.log
pidfile = $PGB_DIR/pgbouncer.pid
EOT
	[ "$(id -u)" -eq 0 ] && chown -R postgres "$PGB_DIR"
	if ! pg_as_owner pgbouncer -d -q "$PGB_DIR/pgbouncer.ini" >"$PGB_DIR/start.log" 2>&1; then
		PG_ERR="pgbouncer did not start: $(tail -3 "$PGB_DIR/start.log" "$PGB_DIR/pgbouncer.log" 2>/dev/null)"
		return 1
	fi
	_i=0
	while [ ! -S "$PGB_DIR/.s.PGSQL.$_port" ] && [ "$_i" -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -S "$PGB_DIR/.s.PGSQL.$_port" ] || { PG_ERR="pgbouncer: no socket"; return 1; }
	PGB_STARTED=1
	PGB_CONN="host=$PGB_DIR port=$_port user=postgres"
}

pgb_stop() {
	[ -n "$PGB_STARTED" ] || return 0
	[ -f "$PGB_DIR/pgbouncer.pid" ] && kill "$(cat "$PGB_DIR/pgbouncer.pid")" 2>/dev/null
	_i=0
	while [ -f "$PGB_DIR/pgbouncer.pid" ] && [ "$_i" -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	PGB_STARTED=
}
