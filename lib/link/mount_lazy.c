/* mount_lazy.c: libmount, loaded on first use, for the programs linked
 * with LINK=static (Makefile). GIO, linked in from its static archive
 * because GMime registers a GIO stream, refers to 17 libmount functions
 * (its unix mount table, for file system queries) that rebound never
 * reaches, and Debian ships no libmount.a. Linking libmount.so itself
 * would load it, libblkid, libselinux and libpcre2 in every process
 * (pipe(8) starts one per bounce): ~30 page faults and relocations at each
 * start. Each function here loads libmount.so.1 once (dlopen) and calls the
 * real function of the same name; if the library cannot be loaded, the
 * process stops with a message, as the dynamic loader would have at start.
 * Not part of librebound.a: the Makefile links it only with LINK=static*
 * (and with tests/unit/test_mount_lazy.c). */
#include <libmount/libmount.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *mount_handle;
static pthread_once_t mount_once = PTHREAD_ONCE_INIT;

static void mount_open(void)
{
	mount_handle = dlopen("libmount.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!mount_handle) {
		fprintf(stderr, "cannot load libmount.so.1: %s\n", dlerror());
		abort();
	}
}

/* mount_sym: the real function called name in libmount.so.1 (never NULL:
 * the process stops if it is missing). */
static void *mount_sym(const char *name)
{
	void *f;

	pthread_once(&mount_once, mount_open);
	if (!(f = dlsym(mount_handle, name))) {
		fprintf(stderr, "libmount.so.1 has no %s: %s\n", name, dlerror());
		abort();
	}
	return f;
}

/* One definition per function GIO uses, with libmount.h's prototype (the
 * compiler checks that they agree). */
#define MOUNT_FN(ret, name, params, args) \
	ret name params \
	{ \
		ret(*f) params = (ret(*) params)mount_sym(#name); \
		return f args; \
	}
#define MOUNT_FN_VOID(name, params, args) \
	void name params \
	{ \
		void(*f) params = (void(*) params)mount_sym(#name); \
		f args; \
	}

MOUNT_FN(const char *, mnt_get_fstab_path, (void), ())
MOUNT_FN(int, mnt_has_regular_mtab, (const char **mtab, int *writable), (mtab, writable))
MOUNT_FN(int, mnt_optstr_get_flags, (const char *optstr, unsigned long *flags, const struct libmnt_optmap *map),
	 (optstr, flags, map))
MOUNT_FN(struct libmnt_iter *, mnt_new_iter, (int direction), (direction))
MOUNT_FN_VOID(mnt_free_iter, (struct libmnt_iter *itr), (itr))
MOUNT_FN(const struct libmnt_optmap *, mnt_get_builtin_optmap, (int id), (id))
MOUNT_FN(const char *, mnt_fs_get_source, (struct libmnt_fs *fs), (fs))
MOUNT_FN(const char *, mnt_fs_get_target, (struct libmnt_fs *fs), (fs))
MOUNT_FN(const char *, mnt_fs_get_fstype, (struct libmnt_fs *fs), (fs))
MOUNT_FN(char *, mnt_fs_strdup_options, (struct libmnt_fs *fs), (fs))
MOUNT_FN(const char *, mnt_fs_get_options, (struct libmnt_fs *fs), (fs))
MOUNT_FN(const char *, mnt_fs_get_root, (struct libmnt_fs *fs), (fs))
MOUNT_FN(int, mnt_table_parse_fstab, (struct libmnt_table *tb, const char *filename), (tb, filename))
MOUNT_FN(int, mnt_table_parse_mtab, (struct libmnt_table *tb, const char *filename), (tb, filename))
MOUNT_FN(struct libmnt_table *, mnt_new_table, (void), ())
MOUNT_FN_VOID(mnt_free_table, (struct libmnt_table *tb), (tb))
MOUNT_FN(int, mnt_table_next_fs, (struct libmnt_table *tb, struct libmnt_iter *itr, struct libmnt_fs **fs),
	 (tb, itr, fs))
