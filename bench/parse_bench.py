"""parser.py: the parser benchmark of bench/run. `rebound parse --json`
against Sisimai 4.25 (bench/peers/sisimai-*.pl) and flufl.bounce
(bench/peers/flufl-*.py) over ../shared/corpus/set-of-emails/*.eml:
(a) one process over the whole corpus, messages per second;
(b) one process per message fed on standard input (as pipe(8) runs a
    delivery program), median time per message over a fixed sample;
(c) peak memory (max RSS) of one process parsing one message.
Runs of the three programs are interleaved (rotating order) so that noise
from other load on the machine falls on all of them alike."""
import json
import os
import random
import tempfile
import time

from benchlib import (NotMeasured, fmt_kib, fmt_ms, fmt_rate, fmt_ratio, median, quantile,
                      spawn_rss, spawn_run, spawn_timed, table)

PERL = '/usr/bin/perl'
GMIME_FLOOR = 'floor: GMime start-up only (bench/peers/gmime_floor.c, built as rebound is)'
LIBS_FLOOR = 'floor: rebound\'s libraries loaded, nothing called (bench/peers/libs_floor.c)'
PYTHON = '/usr/bin/python3'


def corpus_files(corpus):
    if not os.path.isdir(corpus):
        raise NotMeasured(f'corpus {corpus} not found')
    files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith('.eml'))
    if not files:
        raise NotMeasured(f'no .eml file in {corpus}')
    return files


def sample(files, n):
    """n files spread evenly over the sorted list: the same sample in
    every run on the same corpus."""
    if len(files) <= n:
        return list(files)
    return [files[(i * len(files)) // n] for i in range(n)]


def rebound_parse_works(rebound, conf, probe):
    """`rebound parse --json` exists and gives JSON with a kind."""
    if not os.access(rebound, os.X_OK):
        return False, 'rebound not built'
    with tempfile.NamedTemporaryFile(mode='r') as out:
        _, rc, _ = spawn_timed([rebound, '-c', conf, 'parse', '--json'], probe, out.name)
        text = out.read()
    if rc != 0:
        return False, f'rebound parse not built (`rebound parse --json < FILE` exited {rc})'
    try:
        obj = json.loads(text.splitlines()[0])
        if 'kind' not in obj:
            raise ValueError
    except (ValueError, IndexError):
        return False, 'rebound parse not built (no JSON object with "kind" on its output)'
    return True, ''


def peers(top, rebound, conf):
    """name -> (argv for the whole corpus, argv for one message on stdin)."""
    pdir = os.path.join(top, 'bench', 'peers')
    p = {}
    if rebound:
        p['rebound'] = ([rebound, '-c', conf, 'parse', '--json'], [rebound, '-c', conf, 'parse', '--json'])
    if os.access(PERL, os.X_OK):
        p['Sisimai'] = ([PERL, os.path.join(pdir, 'sisimai-batch.pl')],
                        [PERL, os.path.join(pdir, 'sisimai-stdin.pl')])
    if os.access(PYTHON, os.X_OK):
        p['flufl.bounce'] = ([PYTHON, os.path.join(pdir, 'flufl-batch.py')],
                             [PYTHON, os.path.join(pdir, 'flufl-stdin.py')])
    return p


def maxrss(xs):
    """The largest of the figures, None if any is missing."""
    return None if not xs or any(x is None for x in xs) else max(xs)


def peer_works(argv, probe):
    _, rc, _ = spawn_timed(argv, probe)
    return rc == 0


def count_output(path, names):
    """(lines, distinct files named, lines naming a recipient) of a batch
    run's output: JSON Lines for rebound, tab-separated for the peers."""
    lines = files = rcpt = 0
    seen = set()
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            lines += 1
            if line.startswith('{'):
                try:
                    o = json.loads(line)
                except ValueError:
                    continue
                name, r = o.get('file', ''), o.get('recipient', '')
            else:
                parts = line.split('\t')
                name, r = parts[0], parts[1] if len(parts) > 1 else ''
            seen.add(name)
            if r:
                rcpt += 1
    files = len(seen & names)
    return lines, files, rcpt


def run(ctx):
    """The parser section: returns (markdown, raw results dict)."""
    top, build, tmp = ctx['top'], ctx['build'], ctx['tmp']
    quick = ctx['quick']
    corpus = os.path.join(top, '..', 'shared', 'corpus', 'set-of-emails')
    corpus = os.path.realpath(corpus)
    files = corpus_files(corpus)
    probe = os.path.join(corpus, 'lhost-postfix-01.eml')
    if not os.path.exists(probe):
        probe = files[0]
    rebound = os.path.join(build, 'bin', 'rebound')
    ok, why = rebound_parse_works(rebound, ctx['conf'], probe)
    if not ok:
        raise NotMeasured(why)
    ps = peers(top, rebound, ctx['conf'])
    missing = []
    for name in list(ps):
        if name != 'rebound' and not peer_works(ps[name][1], probe):
            missing.append(name)
            del ps[name]
    names = list(ps)
    raw = {'corpus': corpus, 'files': len(files), 'peers_missing': missing}
    md = []
    nfiles = len(files)
    total_bytes = sum(os.path.getsize(f) for f in files)

    # (a) one process over the whole corpus
    rounds = 3 if quick else 7
    deadline = time.monotonic() + (60 if quick else 90)
    times = {n: [] for n in names}
    rcs = {n: set() for n in names}
    counts = {}
    fileset = set(files)
    for r in range(rounds + 1):  # round 0 warms the page cache, not counted
        order = names[r % len(names):] + names[:r % len(names)]
        for n in order:
            out = os.path.join(tmp, f'parse-batch-{n}.out') if r == 0 else os.devnull
            t, rc, _ = spawn_timed(ps[n][0] + files, None, out)
            if r == 0:
                counts[n] = count_output(out, fileset)
                continue
            times[n].append(t)
            rcs[n].add(rc)
        if r >= 3 and time.monotonic() > deadline:
            break
    a = {}
    for n in names:
        med = median(times[n])
        a[n] = {'runs': len(times[n]), 'median_s': med, 'min_s': min(times[n]),
                'max_s': max(times[n]), 'msgs_per_s': nfiles / med, 'exit': sorted(rcs[n]),
                'max_rss_kib': spawn_rss(ps[n][0] + files), 'output': counts[n]}
    raw['batch'] = a
    rows = []
    for n in names:
        x = a[n]
        ratio = a['rebound']['msgs_per_s'] / x['msgs_per_s']
        lines, nf, nr = x['output']
        rows.append([n, fmt_rate(x['msgs_per_s']), f'{x["median_s"]:.3f} s ({x["min_s"]:.3f}-{x["max_s"]:.3f})',
                     '-' if n == 'rebound' else fmt_ratio(ratio),
                     f'{nf} / {nr}', fmt_kib(x['max_rss_kib']),
                     ','.join(str(c) for c in x['exit'])])
    md.append(f'### (a) One process over the whole corpus\n\n{nfiles} messages, '
              f'{total_bytes / 1024 / 1024:.1f} MiB; median of {a["rebound"]["runs"]} runs '
              f'(after one warm-up run), runs of the three programs interleaved.\n')
    md.append(table(['program', 'messages/s', 'wall time (min-max)', 'rebound is faster by',
                     'files in output / lines with a recipient', 'max RSS', 'exit'], rows))
    if 'Sisimai' in a:
        r = a['rebound']['msgs_per_s'] / a['Sisimai']['msgs_per_s']
        md.append(f'\nGoal: 10x Sisimai in one process. Measured: {fmt_ratio(r)} '
                  + ('(met).' if r >= 10 else f'(missed: {r / 10 * 100:.0f}% of the goal).'))

    # (b) one process per message on standard input
    nsample = 20 if quick else 60
    reps = 2 if quick else 3
    sm = sample(files, nsample)
    # a fixed shuffled order: a run cut short by its time bound still
    # covers the whole corpus, not its first names only
    random.Random(1).shuffle(sm)
    # context rows: what any process costs here, and rebound's own start-up
    extra = {'floor: /bin/true (spawn, exec, exit)': (['/bin/true'], None),
             'rebound start-up (`parse --json` of empty input)': (ps['rebound'][1], os.devnull)}
    bdir = os.path.join(os.path.dirname(os.path.dirname(rebound)), 'bench')
    for label, name in ((LIBS_FLOOR, 'libs-floor'), (GMIME_FLOOR, 'gmime-floor')):
        if os.access(os.path.join(bdir, name), os.X_OK):
            extra[label] = ([os.path.join(bdir, name)], None)
    per = {n: {} for n in names + list(extra)}
    pcpu = {n: {} for n in names + list(extra)}
    pflt = {n: {} for n in names + list(extra)}
    prss = {n: [] for n in names}
    prc = {n: {} for n in names}
    deadline = time.monotonic() + (60 if quick else 110)
    done = 0
    for i, f in enumerate(sm):
        for r in range(reps):
            order = names[(i + r) % len(names):] + names[:(i + r) % len(names)]
            for n in order:
                t, rc, cpu, flt = spawn_run(ps[n][1], f)
                per[n].setdefault(f, []).append(t)
                pcpu[n].setdefault(f, []).append(cpu)
                pflt[n].setdefault(f, []).append(flt)
                prc[n][rc] = prc[n].get(rc, 0) + 1
            if r == 0:
                prss[n].append(spawn_rss(ps[n][1], f))
            if r == 0:
                for n, (argv, stdin) in extra.items():
                    t, _, cpu, flt = spawn_run(argv, stdin or f)
                    per[n].setdefault(f, []).append(t)
                    pcpu[n].setdefault(f, []).append(cpu)
                    pflt[n].setdefault(f, []).append(flt)
        done += 1
        if time.monotonic() > deadline:
            break
    sm = sm[:done]
    b = {}
    for n in names + list(extra):
        fm = [median(per[n][f]) for f in sm]
        fc = [median(pcpu[n][f]) for f in sm]
        ff = [median(pflt[n][f]) for f in sm]
        b[n] = {'files': len(sm), 'median_s': median(fm), 'p10_s': quantile(fm, 0.1),
                'p90_s': quantile(fm, 0.9), 'mean_s': sum(fm) / len(fm), 'cpu_median_s': median(fc),
                'faults_median': median(ff)}
        if n in names:
            b[n].update({'reps': reps, 'max_rss_kib': maxrss(prss[n]), 'exit': prc[n]})
    raw['per_message'] = b
    rows = []
    for n in names + list(extra):
        x = b[n]
        peer = n in names and n != 'rebound'
        rows.append([n, fmt_ms(x['median_s']), f'{fmt_ms(x["p10_s"])} - {fmt_ms(x["p90_s"])}',
                     fmt_ratio(x['median_s'] / b['rebound']['median_s']) if peer else '',
                     fmt_ms(x['cpu_median_s']),
                     fmt_ratio(x['cpu_median_s'] / b['rebound']['cpu_median_s']) if peer else '',
                     f'{x["faults_median"]:.0f}',
                     fmt_kib(x['max_rss_kib']) if n in names else '',
                     ', '.join(f'{c}: {k}' for c, k in sorted(x['exit'].items())) if n in names else ''])
    cut = '' if len(sm) == nsample else f' ({len(sm)} of them measured before the time bound)'
    md.append(f'\n### (b) One process per message, message on standard input\n\n'
              f'A fixed sample of {nsample} corpus files (every {len(files) // nsample}th by name){cut}, '
              f'{reps} runs each per program, interleaved; per file the median run, then over the files. '
              f'Time is spawn to exit, as pipe(8) pays it; CPU is user + system time of the process, which '
              f'other load on the machine disturbs less; page faults are the minor faults from exec to exit '
              f'(each a trap into the kernel, which start-up pays for every page of code, data and heap it first touches).\n')
    md.append(table(['program', 'median per message', '10th-90th percentile', 'rebound is faster by',
                     'median CPU per message', 'rebound uses less CPU by', 'median page faults',
                     'max RSS over the sample', 'exit statuses (status: runs)'], rows))
    if 'Sisimai' in b:
        r = b['Sisimai']['median_s'] / b['rebound']['median_s']
        rc = b['Sisimai']['cpu_median_s'] / b['rebound']['cpu_median_s']
        md.append(f'\nGoal: 10x Sisimai per message. Measured: {fmt_ratio(r)} in wall time '
                  + ('(met)' if r >= 10 else f'(missed: {r / 10 * 100:.0f}% of the goal)')
                  + f', {fmt_ratio(rc)} in CPU time.')
        floor = b['floor: /bin/true (spawn, exec, exit)']['median_s']
        start = b['rebound start-up (`parse --json` of empty input)']['median_s']
        md.append(f'Context: a process that does nothing (/bin/true) is {fmt_ratio(b["Sisimai"]["median_s"] / floor)} '
                  f'faster than Sisimai here, the most any one-process-per-message program can reach on this machine; '
                  f'rebound\'s start-up alone (empty input) is {start / b["rebound"]["median_s"] * 100:.0f}% of its '
                  f'median time per message.')
        if LIBS_FLOOR in b:
            lf = b[LIBS_FLOOR]['median_s']
            md.append(f'Loading the shared libraries rebound links (the dynamic loader: mapping, relocating and binding '
                      f'them; their constructors and destructors), with no code of rebound or GMime run, takes '
                      f'{fmt_ms(lf)}, {lf / b["rebound"]["median_s"] * 100:.0f}% of rebound\'s median time per message: '
                      f'no program that loads these libraries can be more than {fmt_ratio(b["Sisimai"]["median_s"] / lf)} '
                      f'faster than Sisimai per message here.')
        if GMIME_FLOOR in b:
            g = b[GMIME_FLOOR]['median_s']
            md.append(f'A program that only starts GMime (g_mime_init, built as rebound is) takes {fmt_ms(g)}: '
                      f'no parser built on GMime, as rebound must be, can be more than '
                      f'{fmt_ratio(b["Sisimai"]["median_s"] / g)} faster than Sisimai per message here; rebound '
                      f'spends {fmt_ms(b["rebound"]["median_s"] - g)} beyond it per message.')

    # (c) peak memory of one message
    bysize = sorted(files, key=os.path.getsize)
    which = [('largest', bysize[-1]), ('median size', bysize[len(bysize) // 2])]
    c = {}
    rows = []
    for label, f in which:
        c[label] = {'file': os.path.basename(f), 'bytes': os.path.getsize(f)}
        for n in names:
            c[label][n] = maxrss([spawn_rss(ps[n][1], f) for _ in range(3)])
        rows.append([f'{label}: {os.path.basename(f)} ({os.path.getsize(f) / 1024:.1f} KiB)']
                    + [fmt_kib(c[label][n]) for n in names])
    raw['memory'] = c
    md.append('\n### (c) Peak memory of one message (max RSS of the process, message on standard input)\n')
    md.append(table(['message'] + names, rows))
    worst = maxrss([c[label]['rebound'] for label, _ in which] + [b['rebound']['max_rss_kib']])
    if worst is None:
        md.append('\nGoal: under 10 MiB per message: not measured (GNU time, Debian package time, missing).')
    else:
        md.append(f'\nGoal: under 10 MiB per message. Worst rebound figure (these two and the whole sample of (b)): '
                  f'{fmt_kib(worst)} ' + ('(met).' if worst < 10 * 1024 else
                                           f'(missed by {fmt_kib(worst - 10 * 1024)}).'))
    if missing:
        md.append(f'\nNot measured: {", ".join(missing)} (the peer did not run on {os.path.basename(probe)}).')
    return '\n'.join(md), raw
