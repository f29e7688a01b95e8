/* test_mount_lazy.c: unit tests of lib/link/mount_lazy.c, the lazily
 * loaded libmount of the statically linked programs: each function is the
 * forwarder (not libmount's own), loads libmount.so.1 on first use and
 * gives what libmount gives (the mount table of this process, the fstab
 * path, option flags). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <libmount/libmount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* The functions come from this program (mount_lazy.o), and libmount is
 * loaded only once one of them is called. */
static void test_forwarders(void **state)
{
	Dl_info info;

	(void)state;
	assert_true(dladdr((void *)mnt_new_table, &info) != 0);
	assert_non_null(info.dli_fname);
	assert_null(strstr(info.dli_fname, "libmount"));
	assert_true(dladdr((void *)mnt_table_next_fs, &info) != 0);
	assert_null(strstr(info.dli_fname, "libmount"));
}

static void test_paths(void **state)
{
	const char *want = getenv("LIBMOUNT_FSTAB") ? getenv("LIBMOUNT_FSTAB") : "/etc/fstab";
	const char *mtab = NULL;
	int writable = -1, r;
	struct libmnt_table *tb;

	(void)state;
	assert_string_equal(mnt_get_fstab_path(), want);
	r = mnt_has_regular_mtab(&mtab, &writable);
	assert_true(r == 0 || r == 1);
	/* /etc/fstab may be missing (a container): then an error, not a crash */
	assert_non_null(tb = mnt_new_table());
	r = mnt_table_parse_fstab(tb, NULL);
	assert_true(r <= 0);
	mnt_free_table(tb);
}

/* The mount table of this process has "/" with a source, a type and
 * options, and the options parse to flags. */
static void test_mount_table(void **state)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int found = 0, n = 0;

	(void)state;
	assert_non_null(tb = mnt_new_table());
	assert_int_equal(mnt_table_parse_mtab(tb, NULL), 0);
	assert_non_null(it = mnt_new_iter(MNT_ITER_FORWARD));
	while (mnt_table_next_fs(tb, it, &fs) == 0 && n++ < 100000) {
		const char *target = mnt_fs_get_target(fs);

		if (target && !strcmp(target, "/")) {
			unsigned long flags = 0;
			char *opts;

			found = 1;
			assert_non_null(mnt_fs_get_source(fs));
			assert_non_null(mnt_fs_get_fstype(fs));
			assert_non_null(mnt_fs_get_root(fs));
			assert_non_null(mnt_fs_get_options(fs));
			assert_non_null(opts = mnt_fs_strdup_options(fs));
			assert_string_equal(opts, mnt_fs_get_options(fs));
			assert_int_equal(mnt_optstr_get_flags("ro,nosuid", &flags,
							      mnt_get_builtin_optmap(MNT_LINUX_MAP)), 0);
			assert_true(flags & MS_RDONLY);
			assert_true(flags & MS_NOSUID);
			free(opts);
		}
	}
	assert_true(found);
	mnt_free_iter(it);
	mnt_free_table(tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forwarders),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_mount_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
