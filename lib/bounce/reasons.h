/* reasons.h: the reasons of the parser's vocabulary (Sisimai's), as one
 * table: an enum for the code and the tables (REASON(userunknown), a
 * misspelt name does not compile) and its names for the output and the
 * site rules (lib/bounce/tables.c). Internal to lib/. */
#ifndef REBOUND_BOUNCE_REASONS_H
#define REBOUND_BOUNCE_REASONS_H

/* In alphabetical order. A reason is a bit of a 64-bit mask (rmask),
 * REASON_NONE is none: at most 63 reasons. */
#define BOUNCE_REASONS(X)                                                                       \
	X(authfailure) X(badreputation) X(blocked) X(contenterror) X(delivered) X(exceedlimit)   \
	X(expired) X(feedback) X(filtered) X(hasmoved) X(hostunknown) X(mailboxfull)            \
	X(mailererror) X(mesgtoobig) X(networkerror) X(norelaying) X(notaccept)                 \
	X(notcompliantrfc) X(onhold) X(policyviolation) X(rejected) X(requireptr)               \
	X(securityerror) X(spamdetected) X(speeding) X(suspend) X(syntaxerror) X(systemerror)   \
	X(systemfull) X(toomanyconn) X(undefined) X(userunknown) X(vacation) X(virusdetected)

#define BOUNCE_REASON_ENUM(name) REASON_##name,
enum bounce_reason {
	REASON_NONE, /* no reason (yet) */
	BOUNCE_REASONS(BOUNCE_REASON_ENUM)
	REASON_COUNT
};
#undef BOUNCE_REASON_ENUM

/* REASON(userunknown): the reason named so (a misspelt name is an
 * undeclared identifier). */
#define REASON(name) REASON_##name

/* bounce_reason_name: "userunknown", ...; "" for REASON_NONE. */
const char *bounce_reason_name(enum bounce_reason r);
/* bounce_reason_lookup: the reason named name, or REASON_NONE. */
enum bounce_reason bounce_reason_lookup(const char *name);

#endif
