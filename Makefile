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
UNITDIR    ?= /lib/systemd/system

CC      ?= cc
PKGS     = gmime-3.0 sqlite3 libcrypto libmagic
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
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

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBREBOUND): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BIN)/rebound: $(call obj,$(CLI_SRC)) $(LIBREBOUND)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BIN)/rebound-pipe: $(call obj,$(PIPE_SRC)) $(LIBREBOUND)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BIN)/rebound-milter: $(call obj,$(MILTER_SRC)) $(LIBREBOUND)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(MILTER_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBREBOUND)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

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
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/run

fuzz:
	@$(MAKE) --no-print-directory -f fuzz/Makefile

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)/schema \
	    $(DESTDIR)$(DATADIR)/postfix-config $(DESTDIR)$(SYSCONFDIR)/rebound
	install -m 755 $(BIN)/rebound $(DESTDIR)$(BINDIR)/rebound
	install -m 755 $(BIN)/rebound-milter $(DESTDIR)$(SBINDIR)/rebound-milter
	install -m 755 $(BIN)/rebound-pipe $(DESTDIR)$(SBINDIR)/rebound-pipe
	for m in man/*.[158]; do [ -f "$$m" ] || continue; \
	    s=$${m##*.}; install -m 644 "$$m" $(DESTDIR)$(MANDIR)/man$$s/; done
	install -m 644 postfix-config/rebound.conf.example $(DESTDIR)$(SYSCONFDIR)/rebound/rebound.conf.example
	for f in schema/*; do [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/schema/; done; true
	for f in postfix-config/*; do [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/postfix-config/; done; true
	if [ -f postfix-config/rebound-milter.service ]; then install -d $(DESTDIR)$(UNITDIR); \
	    install -m 644 postfix-config/rebound-milter.service $(DESTDIR)$(UNITDIR)/; fi

clean:
	rm -rf build build-san
