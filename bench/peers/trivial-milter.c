/* trivial-milter.c: benchmark peer for rebound-milter (bench/milter_bench.py).
 * The least a sender-rewriting milter can do with libmilter: at end of
 * message, smfi_chgfrom to a fixed address, nothing else (it negotiates
 * away every step it does not use). Its throughput is the ceiling that
 * libmilter and Postfix's milter protocol leave; rebound-milter is measured
 * against it in the same run. Not installed, not part of rebound.
 *
 *   trivial-milter SOCKET NEW-SENDER      (SOCKET as for smfi_setconn)
 *
 * Runs in the foreground until SIGTERM/SIGINT. */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *new_sender;

static sfsistat trivial_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
				  unsigned long f3, unsigned long *pf0, unsigned long *pf1,
				  unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx; (void)f1; (void)f2; (void)f3;
	if (!(f0 & SMFIF_CHGFROM))
		return SMFIS_REJECT;
	*pf0 = SMFIF_CHGFROM;
	/* no connect/helo/header/body/eoh/data/unknown callbacks; no reply
	 * to MAIL and RCPT needed */
	*pf1 = (f1 & (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOHDRS | SMFIP_NOBODY | SMFIP_NOEOH |
		      SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NR_MAIL | SMFIP_NR_RCPT));
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat trivial_envfrom(SMFICTX *ctx, char **argv)
{
	(void)ctx; (void)argv;
	return SMFIS_CONTINUE;
}

static sfsistat trivial_envrcpt(SMFICTX *ctx, char **argv)
{
	(void)ctx; (void)argv;
	return SMFIS_CONTINUE;
}

static sfsistat trivial_eom(SMFICTX *ctx)
{
	if (smfi_chgfrom(ctx, (char *)new_sender, NULL) != MI_SUCCESS)
		return SMFIS_TEMPFAIL;
	return SMFIS_CONTINUE;
}

int main(int argc, char **argv)
{
	struct smfiDesc desc = {
		.xxfi_name = "trivial-milter",
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = SMFIF_CHGFROM,
		.xxfi_envfrom = trivial_envfrom,
		.xxfi_envrcpt = trivial_envrcpt,
		.xxfi_eom = trivial_eom,
		.xxfi_negotiate = trivial_negotiate,
	};

	if (argc != 3) {
		fprintf(stderr, "usage: trivial-milter SOCKET NEW-SENDER\n");
		return 2;
	}
	new_sender = argv[2];
	umask(0); /* the unix socket must be writable by Postfix's smtpd */
	if (smfi_setconn(argv[1]) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS) {
		fprintf(stderr, "trivial-milter: cannot set up %s\n", argv[1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
