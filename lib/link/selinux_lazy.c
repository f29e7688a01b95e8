/* selinux_lazy.c: libselinux, loaded on first use (lazy.h), for the
 * programs linked with LINK=static (Makefile). GIO refers to six libselinux
 * functions (file security contexts, for g_file_query_info) that rebound
 * never reaches. Linked in from libselinux.a, libselinux's constructor ran
 * at every start anyway (two statfs calls, reading /proc/filesystems, ~5
 * page faults: ~0.15 ms of a ~4 ms `rebound parse` on the benchmark
 * machine). Tested by tests/unit/test_lazy_libs.c. */
#include <selinux/selinux.h>

#include "lazy.h"

LAZY_LIB(selinux_lib, "libselinux.so.1", NULL);

/* One definition per function GIO uses, with selinux.h's prototype. */
LAZY_FN(selinux_lib, int, is_selinux_enabled, (void), ())
LAZY_FN_VOID(selinux_lib, freecon, (char *con), (con))
LAZY_FN(selinux_lib, int, getfilecon_raw, (const char *path, char **con), (path, con))
LAZY_FN(selinux_lib, int, lgetfilecon_raw, (const char *path, char **con), (path, con))
LAZY_FN(selinux_lib, int, fgetfilecon_raw, (int fd, char **con), (fd, con))
LAZY_FN(selinux_lib, int, setfilecon_raw, (const char *path, const char *con), (path, con))
