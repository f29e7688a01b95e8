# Makefile: builds rebound's three programs over the shared core in lib/,
# runs the tests (make check), the demo, the benchmarks and the install.
# GNU make. Flags come from pkg-config. SANITIZE=1 builds with ASan+UBSan
# into a separate build directory; WERROR=1 turns warnings into errors (CI).

PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR    ?=
BINDIR      = $(PREFIX)/bin
SBINDIR     = $(PREFIX)/sbin
MANDIR      = $(PREFIX)/share/man
DATADIR     = $(PREFIX)/share/rebound
DOCDIR      = $(PREFIX)/share/doc/rebound
# systemd reads units from /usr/local/lib/systemd/system too
UNITDIR    ?= $(PREFIX)/lib/systemd/system

CC      ?= cc
PKGS     = gmime-3.0 sqlite3 libcrypto libmagic libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# How the programs link their libraries (README, "Building"):
#   LINK=static      (default) GMime, GLib/GIO, SQLite, OpenSSL libcrypto,
#                    libmagic and what they need come from their static archives
#                    (only the objects used), in a non-PIE executable; libmount
#                    (no libmount.a in Debian), libselinux, GPGME and liblzma,
#                    which GIO, GMime and libmagic refer to but rebound never
#                    calls, are loaded on first use (lib/link/lazy.h: no
#                    constructors, no init at start). rebound and rebound-pipe,
#                    started once per message or bounce (pipe(8)), link libc
#                    statically too (no dynamic loader at all) and start their
#                    heap on a huge page (lib/link/heap_huge.c); rebound-milter,
#                    one long-running daemon that looks up users and host names
#                    through NSS, keeps libc and libm shared. This cuts the
#                    dynamic loader's work and the page faults of start-up.
#   LINK=static-pie  the same in position-independent executables (-static-pie
#                    for rebound and rebound-pipe): ASLR for the programs' own
#                    code, at the cost of relocating (and so copying) ~110 pages
#                    of OpenSSL/GLib tables per start.
#   LINK=dynamic     every library shared, as pkg-config says (the default with
#                    SANITIZE=1).
ifeq ($(SANITIZE),1)
LINK    ?= dynamic
else
LINK    ?= static
endif
STATIC_LIBS = -lgmime-3.0 -lidn2 -lunistring \
              -lgio-2.0 -lgobject-2.0 -lgmodule-2.0 -lglib-2.0 -lffi -lpcre2-8 \
              -lsqlite3 -lcrypto -lmagic -lbz2 -lz
SHARED_LIBS = -lm -ldl -pthread
# libraries loaded on the first call of one of their functions (lib/link/lazy.h):
# libmount and libselinux for GIO, GPGME for GMime, liblzma for libmagic (rebound
# calls none of them)
LAZY_OBJ    = $(addprefix $(BUILD)/obj/lib/link/,lazy.o mount_lazy.o selinux_lazy.o gpgme_lazy.o lzma_lazy.o)
LAZY_ARCHIVE  = $(BUILD)/liblazy.a
# the heap on a huge page, linked as an object (a constructor, referenced by nothing)
HEAP_HUGE   = $(BUILD)/obj/lib/link/heap_huge.o
ifeq ($(LINK),dynamic)
LINK_LIBS   = $(PKG_LIBS)
LINK_FLAGS  =
LINK_DEPS   =
ONESHOT_LIBS  = $(PKG_LIBS)
ONESHOT_DEPS  =
ONESHOT_FLAGS =
else ifneq ($(filter static static-pie,$(LINK)),)
LINK_LIBS   = -Wl,--as-needed -Wl,-Bstatic -Wl,--start-group $(STATIC_LIBS) $(LAZY_ARCHIVE) -Wl,--end-group \
              -Wl,-Bdynamic $(SHARED_LIBS)
LINK_DEPS   = $(LAZY_ARCHIVE)
LINK_FLAGS  = $(if $(filter static,$(LINK)),-no-pie)
# rebound and rebound-pipe: everything static, libc included
ONESHOT_LIBS  = -Wl,--start-group $(STATIC_LIBS) $(LAZY_ARCHIVE) -Wl,--end-group $(SHARED_LIBS)
ONESHOT_DEPS  = $(LAZY_ARCHIVE) $(HEAP_HUGE)
ONESHOT_FLAGS = $(if $(filter static,$(LINK)),-static,-static-pie)
else
$(error LINK must be static, static-pie or dynamic, not "$(LINK)")
endif
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)
MILTER_LIBS    = -lmilter -pthread

WARN     = -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
ifeq ($(WERROR),1)
WARN    += -Werror
endif
ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   ?= build
SANFLAGS =
endif
ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) $(SANFLAGS) -Ilib $(PKG_CFLAGS) \
              -DSYSCONFDIR='"$(SYSCONFDIR)"'
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -pthread

LIB_SRC    := $(sort $(wildcard lib/*.c))
MILTER_SRC := $(sort $(wildcard milter/*.c))
PIPE_SRC   := $(sort $(wildcard bounce-pipe/*.c))
CLI_SRC    := $(sort $(wildcard cli/*.c))
TEST_SRC   := $(sort $(wildcard tests/unit/test_*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_OBJ    := $(call obj,$(LIB_SRC))
LIBREBOUND := $(BUILD)/librebound.a
BIN        := $(BUILD)/bin
# A program is built once its directory has sources.
PROGRAMS   := $(if $(CLI_SRC),$(BIN)/rebound) $(if $(MILTER_SRC),$(BIN)/rebound-milter) \
              $(if $(PIPE_SRC),$(BIN)/rebound-pipe)
TESTS      := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))

.SECONDARY:
.PHONY: all check check-unit check-deps demo bench fuzz install clean tests
all: $(PROGRAMS)

# The objects rebuild when the compile flags change (CFLAGS, SYSCONFDIR, ...;
# -Werror changes no object and is left out).
CFLAGS_STAMP := $(BUILD)/cflags
CFLAGS_NOW   := $(strip $(CC) $(filter-out -Werror,$(ALL_CFLAGS) $(CMOCKA_CFLAGS)))
ifeq ($(filter clean,$(MAKECMDGOALS)),)
ifneq ($(file <$(CFLAGS_STAMP)),$(CFLAGS_NOW))
$(shell mkdir -p $(BUILD))
$(file >$(CFLAGS_STAMP),$(CFLAGS_NOW))
endif
endif

$(BUILD)/obj/%.o: %.c $(CFLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBREBOUND): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(LAZY_ARCHIVE): $(LAZY_OBJ)
	rm -f $@
	ar rcs $@ $^

# The programs relink when LINK changes (the objects are the same).
LINK_STAMP := $(BUILD)/link-mode
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(LINK_STAMP) 2>/dev/null)" = "$(LINK)" ] || echo "$(LINK)" >$(LINK_STAMP); })
endif

$(BIN)/rebound: $(call obj,$(CLI_SRC)) $(LIBREBOUND) $(LINK_STAMP) $(ONESHOT_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $(ONESHOT_FLAGS) -o $@ $(filter-out $(LINK_STAMP) $(LAZY_ARCHIVE),$^) $(ONESHOT_LIBS)

$(BIN)/rebound-pipe: $(call obj,$(PIPE_SRC)) $(LIBREBOUND) $(LINK_STAMP) $(ONESHOT_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $(ONESHOT_FLAGS) -o $@ $(filter-out $(LINK_STAMP) $(LAZY_ARCHIVE),$^) $(ONESHOT_LIBS)

$(BIN)/rebound-milter: $(call obj,$(MILTER_SRC)) $(LIBREBOUND) $(LINK_STAMP) $(LINK_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $(LINK_FLAGS) -o $@ $(filter-out $(LINK_STAMP) $(LINK_DEPS),$^) $(LINK_LIBS) $(MILTER_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBREBOUND)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

# the lazily loaded libraries are no part of librebound.a: their tests link them
$(BUILD)/tests/test_mount_lazy: $(BUILD)/obj/tests/unit/test_mount_lazy.o $(BUILD)/obj/lib/link/mount_lazy.o \
                                $(BUILD)/obj/lib/link/lazy.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) -ldl
$(BUILD)/tests/test_lazy_libs: $(BUILD)/obj/tests/unit/test_lazy_libs.o $(BUILD)/obj/lib/link/selinux_lazy.o \
                               $(BUILD)/obj/lib/link/gpgme_lazy.o $(BUILD)/obj/lib/link/lzma_lazy.o \
                               $(BUILD)/obj/lib/link/lazy.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) -ldl

# the huge-page heap is no part of librebound.a either
$(BUILD)/tests/test_heap_huge: $(BUILD)/obj/tests/unit/test_heap_huge.o $(HEAP_HUGE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS)

tests: $(TESTS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# Installs missing Debian packages (root); a no-op when all are there.
check-deps:
	@scripts/install-deps

# Unit tests only (CI runs these once more with SANITIZE=1).
check-unit: check-deps
	@$(MAKE) --no-print-directory all tests
	@BUILD=$(BUILD) tests/run unit

# Everything: unit, black-box, corpus, e2e. Last line: "N passed, N failed".
check: check-deps
	@$(MAKE) --no-print-directory all tests
	@BUILD=$(BUILD) tests/run all

demo: check-deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

bench: check-deps
	@REBOUND_DEPS_EXTRA=bench scripts/install-deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/gmime-floor
	@BUILD=$(BUILD) bench/run

# the benchmark's floor for a GMime program (bench/peers/gmime_floor.c),
# linked as rebound is
$(BUILD)/bench/gmime-floor: bench/peers/gmime_floor.c $(LINK_STAMP) $(ONESHOT_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(ONESHOT_FLAGS) -o $@ $< $(filter $(HEAP_HUGE),$^) $(ONESHOT_LIBS)

fuzz:
	@$(MAKE) --no-print-directory -f fuzz/Makefile

# FHS: programs in $(BINDIR) and $(SBINDIR), man pages, the example
# configuration in $(SYSCONFDIR)/rebound, the schema, the Postfix fragments
# and postconf.sh in $(DATADIR), docs in $(DOCDIR), the systemd unit in
# $(UNITDIR). Text files name the install paths: written as for
# PREFIX=/usr/local and SYSCONFDIR=/etc, rewritten here for others.
# Never creates users, the database or /var/lib/rebound (docs/install.md).
# tests/install/run checks the result.
INSTALL_SED = sed -e 's|/usr/local/sbin/|$(SBINDIR)/|g' -e 's|/usr/local/bin/|$(BINDIR)/|g' \
              -e 's|/usr/local/share/rebound/|$(DATADIR)/|g' -e 's|/etc/rebound/|$(SYSCONFDIR)/rebound/|g'
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)/schema \
	    $(DESTDIR)$(DATADIR)/postfix-config $(DESTDIR)$(SYSCONFDIR)/rebound $(DESTDIR)$(DOCDIR)
	install -m 755 $(BIN)/rebound $(DESTDIR)$(BINDIR)/rebound
	install -m 755 $(BIN)/rebound-milter $(DESTDIR)$(SBINDIR)/rebound-milter
	install -m 755 $(BIN)/rebound-pipe $(DESTDIR)$(SBINDIR)/rebound-pipe
	for m in man/*.[158]; do [ -f "$$m" ] || continue; \
	    s=$${m##*.}; install -m 644 "$$m" $(DESTDIR)$(MANDIR)/man$$s/; done
	$(INSTALL_SED) postfix-config/rebound.conf.example >$(DESTDIR)$(SYSCONFDIR)/rebound/rebound.conf.example
	chmod 644 $(DESTDIR)$(SYSCONFDIR)/rebound/rebound.conf.example
	for f in schema/*.sql; do [ -f "$$f" ] || continue; install -m 644 "$$f" $(DESTDIR)$(DATADIR)/schema/; done
	for f in postfix-config/*; do [ -f "$$f" ] || continue; \
	    case $$f in *.example|*.service) continue ;; *.sh) mode=755 ;; *) mode=644 ;; esac; \
	    t=$(DESTDIR)$(DATADIR)/$$f; $(INSTALL_SED) "$$f" >"$$t" && chmod $$mode "$$t" || exit 1; done
	if [ -f postfix-config/rebound-milter.service ]; then install -d $(DESTDIR)$(UNITDIR); \
	    $(INSTALL_SED) postfix-config/rebound-milter.service >$(DESTDIR)$(UNITDIR)/rebound-milter.service && \
	    chmod 644 $(DESTDIR)$(UNITDIR)/rebound-milter.service; fi
	for d in README.md docs/*.md; do [ -f "$$d" ] || continue; install -m 644 "$$d" $(DESTDIR)$(DOCDIR)/; done

clean:
	rm -rf build build-san
