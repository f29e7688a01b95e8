"""kfold.py: a check against over-fitting the set-of-emails corpus.

The parser's rules (a phrase, a status, a remote host row, a format: what
`rebound parse --explain` names in "rule") should come from formats,
standards and vendors' documents, not from the corpus. A rule tuned on one
message decides that message and nothing else. So the corpus is split into
five folds by file (a CRC-32 of the file name, so that a new file does not
move the others), and each fold is held out in turn: a rule that decides
messages of the held-out fold only, and none of the other four, is a rule the
other 80% of the corpus gives no evidence for. Such a rule is *supported*
when it also decides a message of the held-out sets the parser was not tuned
on (tests/heldout: flufl.bounce's data, the loopback Postfix, Exim,
OpenSMTPD, Sendmail sets), else *unsupported*: a candidate for over-fitting
that needs a source (a comment in the table row naming the RFC or vendor
document it comes from) or should go.

compare.py prints the figures as TAP comments and fails when the number of
unsupported one-fold rules grows above the ceiling (what it was when the
check was added): a new rule should be general enough to decide messages in
more than one fold, or be backed by the held-out sets.
"""
import re
import zlib

FOLDS = 5


def fold_of(fname):
    return zlib.crc32(fname.encode("utf-8")) % FOLDS


def rule_key(rule):
    """The table row behind an --explain rule: the SMTP command a phrase was
    found after ("after RCPT") and the status beside a provider's words are
    context, not the row."""
    r = re.sub(r" after [A-Z?]+$", "", rule or "")
    return r


def decided(got):
    """{rule: set(files)} for the records that a rule decided."""
    out = {}
    for fname, recs in got.items():
        for r in recs:
            key = rule_key(r.get("rule", ""))
            if not key or key.startswith(("no rule", "nothing")):
                continue
            out.setdefault(key, set()).add(fname)
    return out


def report(corpus_got, outside_got):
    """Returns (lines, n_one_fold, unsupported): TAP comment lines, the number
    of rules deciding messages of one fold only, and those of them no
    held-out message supports (sorted)."""
    inside = decided(corpus_got)
    outside = decided(outside_got)
    per_fold = [0] * FOLDS
    one_fold = {}
    for rule, files in inside.items():
        folds = {fold_of(f) for f in files}
        if len(folds) == 1:
            k = folds.pop()
            per_fold[k] += 1
            one_fold[rule] = (k, files)
    unsupported = sorted(r for r in one_fold if r not in outside)
    lines = ["# k-fold (%d folds by file): %d rules decide corpus messages; %d decide messages of one fold "
             "only (per held-out fold: %s); of those %d also decide held-out messages, %d do not" % (
                 FOLDS, len(inside), len(one_fold), " ".join(str(n) for n in per_fold),
                 len(one_fold) - len(unsupported), len(unsupported))]
    multi = sorted(r for r in unsupported if len(one_fold[r][1]) > 1)
    lines.append("# k-fold: unsupported one-fold rules deciding 2+ messages (same fold): %d" % len(multi))
    for r in unsupported:
        k, files = one_fold[r]
        lines.append("# k-fold unsupported: %s (fold %d: %s)" % (r, k, " ".join(sorted(files))))
    return lines, len(one_fold), unsupported
