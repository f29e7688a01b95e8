/* test_lazy_libs.c: unit tests of lib/link/selinux_lazy.c and
 * lib/link/gpgme_lazy.c and lib/link/lzma_lazy.c, the lazily loaded
 * libselinux, GPGME and liblzma of the
 * statically linked programs (lib/link/lazy.h): the functions are the
 * forwarders (not the libraries' own), nothing is loaded at start,
 * gpgme_check_version(NULL) is answered without loading GPGME and replayed
 * when it is loaded (GPGME refuses to work without it), and the forwarded
 * calls give what the libraries give. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <gpgme.h>
#include <lzma.h>
#include <selinux/selinux.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
/* LeakSanitizer stops with "Tracer caught signal 11" at exit once
 * libselinux.so.1 or libgpgme.so.11 was loaded with dlopen (Debian 12,
 * gcc 12; a plain dlopen of either in an ASan program is enough). Leak
 * checking is off for this test only; ASan's other checks stay on. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

/* loaded: 1 if soname is loaded in this process (without loading it) */
static int loaded(const char *soname)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_NOLOAD);

	if (!h)
		return 0;
	dlclose(h);
	return 1;
}

static void assert_forwarder(void *fn, const char *lib)
{
	Dl_info info;

	assert_true(dladdr(fn, &info) != 0);
	assert_non_null(info.dli_fname);
	assert_null(strstr(info.dli_fname, lib));
}

static void test_forwarders(void **state)
{
	(void)state;
	assert_forwarder((void *)is_selinux_enabled, "libselinux");
	assert_forwarder((void *)getfilecon_raw, "libselinux");
	assert_forwarder((void *)gpgme_check_version_internal, "libgpgme");
	assert_forwarder((void *)gpgme_new, "libgpgme");
	assert_forwarder((void *)gpgme_strerror, "libgpgme");
	assert_forwarder((void *)lzma_code, "liblzma");
}

/* GPGME: the version check does not load it; the first real call does,
 * after the deferred check (else gpgme_new fails: "not operational") */
static void test_gpgme(void **state)
{
	const char *v;
	gpgme_ctx_t ctx = NULL;

	(void)state;
	assert_false(loaded("libgpgme.so.11"));
	assert_non_null(v = gpgme_check_version(NULL));
	assert_string_equal(v, GPGME_VERSION);
	assert_false(loaded("libgpgme.so.11"));
	assert_int_equal(gpgme_new(&ctx), 0);
	assert_true(loaded("libgpgme.so.11"));
	assert_non_null(ctx);
	assert_int_equal(gpgme_get_protocol(ctx), GPGME_PROTOCOL_OpenPGP);
	assert_int_equal(gpgme_set_protocol(ctx, GPGME_PROTOCOL_CMS), 0);
	assert_int_equal(gpgme_get_protocol(ctx), GPGME_PROTOCOL_CMS);
	gpgme_release(ctx);
	assert_string_equal(gpgme_strerror(0), "Success");
	/* with a required version, answered by the library itself */
	assert_non_null(gpgme_check_version("1.0.0"));
	assert_null(gpgme_check_version("999.0.0"));
}

/* libselinux: loaded by the first call; answers as the library does */
static void test_selinux(void **state)
{
	char *con = NULL;
	int on, r;

	(void)state;
	assert_false(loaded("libselinux.so.1"));
	on = is_selinux_enabled();
	assert_true(on == 0 || on == 1);
	assert_true(loaded("libselinux.so.1"));
	errno = 0;
	r = getfilecon_raw("/", &con);
	if (r >= 0) {
		assert_non_null(con);
		freecon(con);
	} else {
		assert_true(errno != 0);	/* no SELinux here: ENOTSUP or ENODATA */
	}
	assert_int_equal(lgetfilecon_raw("/nonexistent/rebound", &con), -1);
	assert_int_equal(errno, ENOENT);
}

/* liblzma: loaded by the first call; decodes what xz made (a stream
 * holding "rebound\n", from `printf 'rebound\n' | xz -c`) */
static void test_lzma(void **state)
{
	static const uint8_t xz[] = {
		0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46, 0x02, 0x00, 0x21, 0x01,
		0x16, 0x00, 0x00, 0x00, 0x74, 0x2f, 0xe5, 0xa3, 0x01, 0x00, 0x07, 0x72, 0x65, 0x62, 0x6f, 0x75,
		0x6e, 0x64, 0x0a, 0x00, 0x89, 0x7e, 0x78, 0x46, 0xbb, 0x30, 0xae, 0xba, 0x00, 0x01, 0x20, 0x08,
		0xbb, 0x19, 0xd9, 0xbb, 0x1f, 0xb6, 0xf3, 0x7d, 0x01, 0x00, 0x00, 0x00, 0x00, 0x04, 0x59, 0x5a,
	};
	uint8_t out[64];
	lzma_stream strm = LZMA_STREAM_INIT;

	(void)state;
	assert_false(loaded("liblzma.so.5"));
	assert_int_equal(lzma_auto_decoder(&strm, UINT64_MAX, 0), LZMA_OK);
	assert_true(loaded("liblzma.so.5"));
	strm.next_in = xz;
	strm.avail_in = sizeof(xz);
	strm.next_out = out;
	strm.avail_out = sizeof(out);
	assert_int_equal(lzma_code(&strm, LZMA_FINISH), LZMA_STREAM_END);
	assert_int_equal(sizeof(out) - strm.avail_out, 8);
	assert_memory_equal(out, "rebound\n", 8);
	lzma_end(&strm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forwarders),
		cmocka_unit_test(test_gpgme),
		cmocka_unit_test(test_selinux),
		cmocka_unit_test(test_lzma),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
