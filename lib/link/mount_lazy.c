/* mount_lazy.c: libmount, loaded on first use (lazy.h), for the programs
 * linked with LINK=static (Makefile). GIO, linked in from its static
 * archive because GMime registers a GIO stream, refers to 17 libmount
 * functions (its unix mount table, for file system queries) that rebound
 * never reaches, and Debian ships no libmount.a. Linking libmount.so itself
 * would load it, libblkid, libselinux and libpcre2 in every process
 * (pipe(8) starts one per bounce): ~30 page faults and relocations at each
 * start. Tested by tests/unit/test_mount_lazy.c. */
#include <libmount/libmount.h>

#include "lazy.h"

LAZY_LIB(mount_lib, "libmount.so.1", NULL);

/* One definition per function GIO uses, with libmount.h's prototype (the
 * compiler checks that they agree). */
LAZY_FN(mount_lib, const char *, mnt_get_fstab_path, (void), ())
LAZY_FN(mount_lib, int, mnt_has_regular_mtab, (const char **mtab, int *writable), (mtab, writable))
LAZY_FN(mount_lib, int, mnt_optstr_get_flags, (const char *optstr, unsigned long *flags, const struct libmnt_optmap *map),
	 (optstr, flags, map))
LAZY_FN(mount_lib, struct libmnt_iter *, mnt_new_iter, (int direction), (direction))
LAZY_FN_VOID(mount_lib, mnt_free_iter, (struct libmnt_iter *itr), (itr))
LAZY_FN(mount_lib, const struct libmnt_optmap *, mnt_get_builtin_optmap, (int id), (id))
LAZY_FN(mount_lib, const char *, mnt_fs_get_source, (struct libmnt_fs *fs), (fs))
LAZY_FN(mount_lib, const char *, mnt_fs_get_target, (struct libmnt_fs *fs), (fs))
LAZY_FN(mount_lib, const char *, mnt_fs_get_fstype, (struct libmnt_fs *fs), (fs))
LAZY_FN(mount_lib, char *, mnt_fs_strdup_options, (struct libmnt_fs *fs), (fs))
LAZY_FN(mount_lib, const char *, mnt_fs_get_options, (struct libmnt_fs *fs), (fs))
LAZY_FN(mount_lib, const char *, mnt_fs_get_root, (struct libmnt_fs *fs), (fs))
LAZY_FN(mount_lib, int, mnt_table_parse_fstab, (struct libmnt_table *tb, const char *filename), (tb, filename))
LAZY_FN(mount_lib, int, mnt_table_parse_mtab, (struct libmnt_table *tb, const char *filename), (tb, filename))
LAZY_FN(mount_lib, struct libmnt_table *, mnt_new_table, (void), ())
LAZY_FN_VOID(mount_lib, mnt_free_table, (struct libmnt_table *tb), (tb))
LAZY_FN(mount_lib, int, mnt_table_next_fs, (struct libmnt_table *tb, struct libmnt_iter *itr, struct libmnt_fs **fs),
	 (tb, itr, fs))
