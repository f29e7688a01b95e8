# Makefile: builds rebound's three programs over the shared core in lib/,
# runs the tests (make check), the demo, the benchmarks and the install.
# GNU make. Hardened dynamic PIEs; library flags come from pkg-config,
# CFLAGS/CPPFLAGS/LDFLAGS from the environment. SANITIZE=1 builds with ASan+UBSan
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
# systemd-tmpfiles reads /usr/local/lib/tmpfiles.d too
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d

CC      ?= cc
# debian/control's Build-Depends names the -dev package of each (tests/package/run checks)
PKGS     = gmime-3.0 json-glib-1.0 sqlite3 libcrypto libmagic libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)
MILTER_LIBS    = -lmilter -pthread

WARN     = -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN    += -Werror
endif
# CFLAGS, CPPFLAGS and LDFLAGS come from the environment or the command line
# (`make CFLAGS="$$(dpkg-buildflags --get CFLAGS)" CPPFLAGS=... LDFLAGS=...`);
# they come after the hardening below, so that they can add to it or change it.
CFLAGS  ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
# Hardening, always (Debian's hardening flags, all of them): position-
# independent executables (ASLR), stack protector, stack clash protection,
# CET, _FORTIFY_SOURCE (unless CPPFLAGS or CFLAGS name a level of their own;
# not with the sanitizers, which check more), read-only relocations bound at
# start (-z relro -z now). --as-needed: a program loads only the libraries
# it calls (pkg-config names more: GIO, GModule, ...). checksec checks the
# installed programs (tests/install/run).
cc_option = $(shell $(CC) -Werror $(1) -E -x c /dev/null >/dev/null 2>&1 && echo $(1))
HARDEN_CFLAGS  := -fPIE -fstack-protector-strong $(call cc_option,-fstack-clash-protection) \
                  $(call cc_option,-fcf-protection) -Wformat -Werror=format-security
HARDEN_LDFLAGS  = -pie -Wl,-z,relro -Wl,-z,now -Wl,--as-needed
ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FORTIFY  = -U_FORTIFY_SOURCE
else
BUILD   ?= build
SANFLAGS =
FORTIFY  = $(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),,-D_FORTIFY_SOURCE=2)
endif
ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(HARDEN_CFLAGS) $(FORTIFY) $(CPPFLAGS) $(CFLAGS) \
              $(SANFLAGS) -Ilib $(PKG_CFLAGS) -DSYSCONFDIR='"$(SYSCONFDIR)"'
ALL_LDFLAGS = $(HARDEN_LDFLAGS) $(LDFLAGS) $(SANFLAGS) -pthread

# lib/ and its subfolders (lib/bounce/, ...)
LIB_SRC    := $(sort $(shell find lib -name '*.c'))
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
.PHONY: all check check-unit check-mailman check-deps demo bench fuzz install uninstall clean tests
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

# The programs relink when the link flags change.
LDFLAGS_STAMP := $(BUILD)/ldflags
LDFLAGS_NOW   := $(strip $(CC) $(ALL_LDFLAGS) $(PKG_LIBS))
ifeq ($(filter clean,$(MAKECMDGOALS)),)
ifneq ($(file <$(LDFLAGS_STAMP)),$(LDFLAGS_NOW))
$(shell mkdir -p $(BUILD))
$(file >$(LDFLAGS_STAMP),$(LDFLAGS_NOW))
endif
endif

$(BIN)/rebound: $(call obj,$(CLI_SRC)) $(LIBREBOUND) $(LDFLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter-out $(LDFLAGS_STAMP),$^) $(PKG_LIBS)

$(BIN)/rebound-pipe: $(call obj,$(PIPE_SRC)) $(LIBREBOUND) $(LDFLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter-out $(LDFLAGS_STAMP),$^) $(PKG_LIBS)

$(BIN)/rebound-milter: $(call obj,$(MILTER_SRC)) $(LIBREBOUND) $(LDFLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter-out $(LDFLAGS_STAMP),$^) $(PKG_LIBS) $(MILTER_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBREBOUND) $(LDFLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter-out $(LDFLAGS_STAMP),$^) $(PKG_LIBS) $(CMOCKA_LIBS)

# (a unit test whose source is gone leaves no binary for tests/run to run)
tests: $(TESTS)
	@for t in $(BUILD)/tests/test_*; do case " $(TESTS) " in *" $$t "*) ;; *) rm -f "$$t" ;; esac; done

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

# The example hooks and the real Mailman 3 end to end alone (make check
# runs them too): tests/hooks/run, tests/mailman/run (docs/mailman3.md).
check-mailman: check-deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/run hooks mailman

demo: check-deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

bench: check-deps
	@REBOUND_DEPS_EXTRA=bench scripts/install-deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/gmime-floor $(BUILD)/bench/libs-floor
	@BUILD=$(BUILD) bench/run

# the benchmark's floors, built with the programs' flags: a GMime program
# (bench/peers/gmime_floor.c), and rebound's libraries loaded, nothing
# called (bench/peers/libs_floor.c)
$(BUILD)/bench/gmime-floor: bench/peers/gmime_floor.c $(CFLAGS_STAMP) $(LDFLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(PKG_LIBS)
$(BUILD)/bench/libs-floor: bench/peers/libs_floor.c $(CFLAGS_STAMP) $(LDFLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -Wl,--no-as-needed $(PKG_LIBS)

fuzz:
	@$(MAKE) --no-print-directory -f fuzz/Makefile

# FHS: programs in $(BINDIR) and $(SBINDIR), man pages, the example
# configuration in $(SYSCONFDIR)/rebound, the schema, the Postfix fragments
# and postconf.sh in $(DATADIR), the example event hooks (contrib/hooks/) in
# $(DATADIR)/hooks, docs in $(DOCDIR), the systemd unit in
# $(UNITDIR), the tmpfiles.d(5) entry for /run/rebound in $(TMPFILESDIR).
# Text files name the install paths: written as for
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
	    case $$f in *.example|*.service|*.timer|*.tmpfiles) continue ;; *.sh) mode=755 ;; *) mode=644 ;; esac; \
	    t=$(DESTDIR)$(DATADIR)/$$f; $(INSTALL_SED) "$$f" >"$$t" && chmod $$mode "$$t" || exit 1; done
	install -d $(DESTDIR)$(UNITDIR)
	for u in postfix-config/*.service postfix-config/*.timer; do [ -f "$$u" ] || continue; \
	    t=$(DESTDIR)$(UNITDIR)/$${u#postfix-config/}; $(INSTALL_SED) "$$u" >"$$t" && chmod 644 "$$t" || exit 1; done
	install -d $(DESTDIR)$(TMPFILESDIR)
	install -m 644 postfix-config/rebound.tmpfiles $(DESTDIR)$(TMPFILESDIR)/rebound.conf
	install -d $(DESTDIR)$(DATADIR)/hooks
	for f in contrib/hooks/*; do [ -f "$$f" ] || continue; \
	    case $$f in *.py) mode=644 ;; *) mode=755 ;; esac; \
	    t=$(DESTDIR)$(DATADIR)/hooks/$${f##*/}; $(INSTALL_SED) "$$f" >"$$t" && chmod $$mode "$$t" || exit 1; done
	for d in README.md docs/*.md; do [ -f "$$d" ] || continue; install -m 644 "$$d" $(DESTDIR)$(DOCDIR)/; done

# uninstall: removes what install put there (same PREFIX, SYSCONFDIR,
# DESTDIR), and the directories it made when they are empty: never
# rebound.conf, the secret, the database or users.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rebound $(DESTDIR)$(SBINDIR)/rebound-milter $(DESTDIR)$(SBINDIR)/rebound-pipe
	for m in man/*.[158]; do [ -f "$$m" ] || continue; \
	    rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/}; done
	rm -f $(DESTDIR)$(SYSCONFDIR)/rebound/rebound.conf.example
	for f in schema/*.sql postfix-config/*; do rm -f $(DESTDIR)$(DATADIR)/$$f; done
	for f in contrib/hooks/*; do rm -f $(DESTDIR)$(DATADIR)/hooks/$${f##*/}; done
	for u in postfix-config/*.service postfix-config/*.timer; do rm -f $(DESTDIR)$(UNITDIR)/$${u#postfix-config/}; done
	rm -f $(DESTDIR)$(TMPFILESDIR)/rebound.conf
	for d in README.md docs/*.md; do rm -f $(DESTDIR)$(DOCDIR)/$${d##*/}; done
	-rmdir $(DESTDIR)$(DATADIR)/schema $(DESTDIR)$(DATADIR)/postfix-config $(DESTDIR)$(DATADIR)/hooks $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/rebound 2>/dev/null

clean:
	rm -rf build build-san
