/* gpgme_lazy.c: GPGME, loaded on first use (lazy.h), for the programs
 * linked with LINK=static (Makefile). GMime uses GPGME only for OpenPGP and
 * S/MIME (signing, verifying, encrypting), which rebound never asks of it;
 * but g_mime_init() initialises GPGME with gpgme_check_version(NULL), and
 * libgpg-error, linked in from its archive, ran its constructor at every
 * start (together ~8 page faults and a sort of GPGME's status table:
 * ~0.2 ms of a ~4 ms `rebound parse` on the benchmark machine).
 *
 * gpgme_check_version_internal() without a required version, before the
 * library is loaded, only records the call and answers with the version of
 * the headers rebound was built with (GMime ignores the answer); the real
 * call is made as soon as libgpgme.so.11 is loaded, before any other GPGME
 * function runs, as GPGME requires. Tested by tests/unit/test_lazy_libs.c. */
#include <gpgme.h>

#include <stddef.h>

#include "lazy.h"

static size_t gpgme_check_offset;
static int gpgme_check_deferred;

static void gpgme_loaded(void *handle);

LAZY_LIB(gpgme_lib, "libgpgme.so.11", gpgme_loaded);

/* gpgme_loaded: the deferred initialisation, right after loading */
static void gpgme_loaded(void *handle)
{
	const char *(*check)(const char *, size_t);

	if (!gpgme_check_deferred)
		return;
	check = (const char *(*)(const char *, size_t))lazy_sym_in(handle, gpgme_lib.soname,
								   "gpgme_check_version_internal");
	check(NULL, gpgme_check_offset);
}

const char *gpgme_check_version_internal(const char *req_version, size_t offset_sig_validity)
{
	const char *(*f)(const char *, size_t);

	if (!req_version && !lazy_is_loaded(&gpgme_lib)) {
		gpgme_check_offset = offset_sig_validity;
		gpgme_check_deferred = 1;
		return GPGME_VERSION;
	}
	f = (const char *(*)(const char *, size_t))lazy_sym(&gpgme_lib, "gpgme_check_version_internal");
	return f(req_version, offset_sig_validity);
}

/* The other functions GMime uses, with gpgme.h's prototypes. */
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_data_new_from_cbs, (gpgme_data_t *dh, gpgme_data_cbs_t cbs, void *handle),
	(dh, cbs, handle))
LAZY_FN_VOID(gpgme_lib, gpgme_data_release, (gpgme_data_t dh), (dh))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_engine_check_version, (gpgme_protocol_t proto), (proto))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_get_key, (gpgme_ctx_t ctx, const char *fpr, gpgme_key_t *r_key, int secret),
	(ctx, fpr, r_key, secret))
LAZY_FN(gpgme_lib, gpgme_keylist_mode_t, gpgme_get_keylist_mode, (gpgme_ctx_t ctx), (ctx))
LAZY_FN(gpgme_lib, gpgme_protocol_t, gpgme_get_protocol, (gpgme_ctx_t ctx), (ctx))
LAZY_FN_VOID(gpgme_lib, gpgme_key_unref, (gpgme_key_t key), (key))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_new, (gpgme_ctx_t *ctx), (ctx))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_decrypt, (gpgme_ctx_t ctx, gpgme_data_t cipher, gpgme_data_t plain),
	(ctx, cipher, plain))
LAZY_FN(gpgme_lib, gpgme_decrypt_result_t, gpgme_op_decrypt_result, (gpgme_ctx_t ctx), (ctx))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_decrypt_verify, (gpgme_ctx_t ctx, gpgme_data_t cipher, gpgme_data_t plain),
	(ctx, cipher, plain))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_encrypt,
	(gpgme_ctx_t ctx, gpgme_key_t recp[], gpgme_encrypt_flags_t flags, gpgme_data_t plain, gpgme_data_t cipher),
	(ctx, recp, flags, plain, cipher))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_encrypt_sign,
	(gpgme_ctx_t ctx, gpgme_key_t recp[], gpgme_encrypt_flags_t flags, gpgme_data_t plain, gpgme_data_t cipher),
	(ctx, recp, flags, plain, cipher))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_export_ext,
	(gpgme_ctx_t ctx, const char *pattern[], gpgme_export_mode_t mode, gpgme_data_t keydata),
	(ctx, pattern, mode, keydata))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_import, (gpgme_ctx_t ctx, gpgme_data_t keydata), (ctx, keydata))
LAZY_FN(gpgme_lib, gpgme_import_result_t, gpgme_op_import_result, (gpgme_ctx_t ctx), (ctx))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_keylist_end, (gpgme_ctx_t ctx), (ctx))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_keylist_next, (gpgme_ctx_t ctx, gpgme_key_t *r_key), (ctx, r_key))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_keylist_start, (gpgme_ctx_t ctx, const char *pattern, int secret_only),
	(ctx, pattern, secret_only))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_sign,
	(gpgme_ctx_t ctx, gpgme_data_t plain, gpgme_data_t sig, gpgme_sig_mode_t mode), (ctx, plain, sig, mode))
LAZY_FN(gpgme_lib, gpgme_sign_result_t, gpgme_op_sign_result, (gpgme_ctx_t ctx), (ctx))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_op_verify,
	(gpgme_ctx_t ctx, gpgme_data_t sig, gpgme_data_t signed_text, gpgme_data_t plaintext),
	(ctx, sig, signed_text, plaintext))
LAZY_FN(gpgme_lib, gpgme_verify_result_t, gpgme_op_verify_result, (gpgme_ctx_t ctx), (ctx))
LAZY_FN_VOID(gpgme_lib, gpgme_release, (gpgme_ctx_t ctx), (ctx))
LAZY_FN_VOID(gpgme_lib, gpgme_set_armor, (gpgme_ctx_t ctx, int yes), (ctx, yes))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_set_ctx_flag, (gpgme_ctx_t ctx, const char *name, const char *value),
	(ctx, name, value))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_set_keylist_mode, (gpgme_ctx_t ctx, gpgme_keylist_mode_t mode), (ctx, mode))
LAZY_FN_VOID(gpgme_lib, gpgme_set_offline, (gpgme_ctx_t ctx, int yes), (ctx, yes))
LAZY_FN_VOID(gpgme_lib, gpgme_set_passphrase_cb, (gpgme_ctx_t ctx, gpgme_passphrase_cb_t cb, void *hook_value),
	     (ctx, cb, hook_value))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_set_protocol, (gpgme_ctx_t ctx, gpgme_protocol_t proto), (ctx, proto))
LAZY_FN_VOID(gpgme_lib, gpgme_set_textmode, (gpgme_ctx_t ctx, int yes), (ctx, yes))
LAZY_FN(gpgme_lib, gpgme_error_t, gpgme_signers_add, (gpgme_ctx_t ctx, const gpgme_key_t key), (ctx, key))
LAZY_FN_VOID(gpgme_lib, gpgme_signers_clear, (gpgme_ctx_t ctx), (ctx))
LAZY_FN(gpgme_lib, const char *, gpgme_strerror, (gpgme_error_t err), (err))
