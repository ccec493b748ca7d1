# landlock-supervisor: top-level commands.  See README.md.
#
#   make run    build what is missing, run the main job in the patched kernel
#   make check  build what is missing, run every test (patched and debug
#               kernels); ends "N passed, N failed"
#
# Other targets: deps kernel headers series refresh user install uninstall clean distclean

SHELL := /bin/bash
B := build

.PHONY: all deps kernel headers series refresh run check check-quick check-debug check-smp check-arm64 check-system check-bisect deb bench fuzz lint clean distclean user install uninstall

all: kernel user

# --- User space: library, command, tests (build/user) ---------------------
U := $(B)/user
# Hidden visibility: the library exports only what the header marks
# LL_EXPORT, under the symbol version of lib/liblandlock-supervise.map.
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -fvisibility=hidden -Iinclude \
	-isystem $(B)/headers/include $(shell pkg-config --cflags json-c yajl 2>/dev/null)
# The policy parser: YAJL for JSON, toml++ (C++, lib/toml.cpp) for TOML.
USER_LIBS := $(shell pkg-config --libs json-c yajl tomlplusplus 2>/dev/null) -lstdc++
USER_CXXFLAGS := -std=c++17 -O2 -g -Wall -Wextra -Werror -fPIC -fvisibility=hidden \
	$(shell pkg-config --cflags tomlplusplus 2>/dev/null)
LIB_SRCS := lib/uapi.c lib/policy.c lib/config.c lib/json.c lib/supervisor.c lib/events.c
CLI_SRCS := cli/landlock-supervise.c cli/trace.c cli/strmap.c cli/learn.c cli/output.c
LIB_OBJS := $(LIB_SRCS:%.c=$(U)/%.o) $(U)/lib/toml.o
CLI_OBJS := $(CLI_SRCS:%.c=$(U)/%.o)
# The version is the header's (LL_SUPERVISE_VERSION_*).
LIB_VERSION := $(shell sed -n 's/^\#define LL_SUPERVISE_VERSION_STRING "\(.*\)"/\1/p' include/landlock-supervise.h)
LIB_MAP := lib/liblandlock-supervise.map

user: $(U)/landlock-supervise $(U)/liblandlock-supervise.so $(U)/liblandlock-supervise.a \
	$(U)/landlock-supervise.pc

$(B)/headers/.ll-applied:
	@bash kernel/scripts/kernel.sh headers

$(U)/%.o: %.c include/landlock-supervise.h lib/internal.h $(wildcard cli/*.h) $(B)/headers/.ll-applied
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -DLL_PACKAGE_VERSION='"$(LIB_VERSION)"' -Icli -Ilib -c -o $@ $<

$(LIB_OBJS): lib/tree.h

$(U)/lib/toml.o: lib/toml.cpp lib/tree.h
	@mkdir -p $(dir $@)
	$(CXX) $(USER_CXXFLAGS) -Ilib -c -o $@ $<

$(U)/liblandlock-supervise.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(U)/liblandlock-supervise.so: $(LIB_OBJS) $(LIB_MAP)
	$(CC) -shared -Wl,-soname,liblandlock-supervise.so.0 -Wl,--version-script=$(LIB_MAP) \
		-Wl,--no-undefined -o $@.0 $(LIB_OBJS) $(USER_LIBS)
	ln -sf liblandlock-supervise.so.0 $@

$(U)/landlock-supervise: $(CLI_OBJS) $(U)/liblandlock-supervise.a
	$(CC) -o $@ $^ $(USER_LIBS)

# make install [PREFIX=/usr/local] [DESTDIR=staging directory]
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# One page per library function (man/man3: a page per group of related
# functions, and a ".so" link to it for each of them).
MAN3_PAGES := $(wildcard man/man3/*.3)
PC_SED = -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	-e 's|@VERSION@|$(LIB_VERSION)|'

$(U)/landlock-supervise.pc: lib/landlock-supervise.pc.in Makefile
	sed $(PC_SED) $< >$@

# The library (.so.VERSION, .so.0 soname, .so; .a), its header and the
# patched uAPI header it needs (<linux/landlock.h>, under
# INCLUDEDIR/landlock-supervise, which the .pc file adds), the command, the
# man pages.
install: user
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/landlock-supervise/linux \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 755 $(U)/landlock-supervise $(DESTDIR)$(BINDIR)/landlock-supervise
	install -m 755 $(U)/liblandlock-supervise.so.0 \
		$(DESTDIR)$(LIBDIR)/liblandlock-supervise.so.$(LIB_VERSION)
	ln -sf liblandlock-supervise.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/liblandlock-supervise.so.0
	ln -sf liblandlock-supervise.so.0 $(DESTDIR)$(LIBDIR)/liblandlock-supervise.so
	install -m 644 $(U)/liblandlock-supervise.a $(DESTDIR)$(LIBDIR)/liblandlock-supervise.a
	install -m 644 include/landlock-supervise.h $(DESTDIR)$(INCLUDEDIR)/landlock-supervise.h
	install -m 644 $(B)/headers/include/linux/landlock.h \
		$(DESTDIR)$(INCLUDEDIR)/landlock-supervise/linux/landlock.h
	sed $(PC_SED) lib/landlock-supervise.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/landlock-supervise.pc
	install -m 644 man/landlock-supervise.1 $(DESTDIR)$(MANDIR)/man1/landlock-supervise.1
	install -m 644 man/liblandlock-supervise.3 $(DESTDIR)$(MANDIR)/man3/liblandlock-supervise.3
	install -m 644 $(MAN3_PAGES) $(DESTDIR)$(MANDIR)/man3/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/landlock-supervise \
		$(DESTDIR)$(LIBDIR)/liblandlock-supervise.so.$(LIB_VERSION) \
		$(DESTDIR)$(LIBDIR)/liblandlock-supervise.so.0 \
		$(DESTDIR)$(LIBDIR)/liblandlock-supervise.so $(DESTDIR)$(LIBDIR)/liblandlock-supervise.a \
		$(DESTDIR)$(INCLUDEDIR)/landlock-supervise.h \
		$(DESTDIR)$(INCLUDEDIR)/landlock-supervise/linux/landlock.h \
		$(DESTDIR)$(PKGCONFIGDIR)/landlock-supervise.pc \
		$(DESTDIR)$(MANDIR)/man1/landlock-supervise.1 \
		$(DESTDIR)$(MANDIR)/man3/liblandlock-supervise.3 \
		$(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(MAN3_PAGES)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/landlock-supervise/linux $(DESTDIR)$(INCLUDEDIR)/landlock-supervise

deps:
	@bash scripts/deps.sh

kernel: deps
	@bash kernel/scripts/kernel.sh build

headers: deps
	@bash kernel/scripts/kernel.sh headers

# Exports the series as git format-patch files into build/series.
series: deps
	@bash kernel/scripts/kernel.sh series

# Exports the commits of build/linux back into kernel/patches (and
# kernel/harness), rewriting only the patch files whose content changed.
refresh:
	@bash kernel/scripts/kernel.sh refresh

# make run [CMD='program args'] [ARGS='landlock-supervise options']
run: deps
	@LL_ARGS='$(ARGS)' bash scripts/run.sh $(CMD)

# Every test on both UML kernels (patched, then debug); check-quick: the first.
check:
	@bash tests/check-all.sh

check-quick:
	@bash tests/check.sh

# Benchmarks in the patched kernel: writes docs/benchmarks.md (not in check).
bench: deps
	@bash scripts/bench.sh

# Fuzzes the policy parser with libFuzzer (FUZZ_SECONDS, default 60).
fuzz: deps headers
	@bash tests/fuzz/run.sh $(or $(FUZZ_SECONDS),60)

# User-space style and static checks (also in make check); LINT=--fix reformats.
lint:
	@bash scripts/lint.sh $(LINT)

# The same tests on a debug kernel (lockdep, atomic sleep, lists, RCU, slab).
check-debug:
	@LL_DEBUG=1 bash tests/check.sh

# Races: the x86_64 KCSAN + lockdep kernel under QEMU with 4 CPUs (not in check).
check-smp:
	@bash tests/smp.sh

# Installable Debian packages of the patched x86_64 kernel, from Debian's own
# 6.12 configuration, into build/deb (hours on 2 cores; not in check).
deb:
	@bash scripts/deps.sh deb
	@bash kernel/scripts/kernel.sh deb

# The series on arm64 (cross-built, QEMU TCG, 2 CPUs): every Landlock
# kselftest and the stress test (not in check; see README).
check-arm64:
	@bash tests/arm64.sh

# A Debian 12 system (mmdebstrap image, cached in build/system) booted by
# systemd on the x86_64 kernel under QEMU (TCG, 2 CPUs): the end-to-end suite
# as a user on ext4 and tmpfs, a systemd service, the kselftests (in check).
check-system:
	@bash tests/system.sh

# Every core patch built with W=1 and its kselftests run in UML, one patch
# after the other (long: a UML build and a kselftest run per patch; not in
# make check).
check-bisect: deps
	@bash kernel/scripts/kernel.sh bisect

clean:
	rm -rf $(B)/uml-run $(B)/qemu-run $(B)/check $(B)/check-smp $(B)/kselftest $(B)/series $(B)/user

distclean:
	rm -rf $(B)
