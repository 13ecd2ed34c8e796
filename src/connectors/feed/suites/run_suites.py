#!/usr/bin/env python3
"""Runs `humas feed-parse` over the peer feed suites in ../shared/fixtures and scores it.

usage: run_suites.py HUMAS_BIN SHARED_DIR [--min-feedparser RATE] [--show-failures]

- feedparser (peer-suites/feedparser): each case's `Expect:` line is a Python expression over
  feedparser's result. It is evaluated against our output mapped onto feedparser's names (feed /
  entries dicts with title, link, id, author, summary, language, *_parsed dates, bozo). An
  expression that reads something humas does not model (tags, enclosures, author_detail, raw date
  strings, encoding, version, sanitised HTML details...) is "not applicable" and not scored; the
  pass rate is over the applicable cases.
- feedvalidator (peer-suites/feedvalidator): cases expecting `!Error` (valid feeds) must parse
  (exit 0); every case must end without a crash or a hang.
- rss-atom: every document must parse.
Any crash or hang anywhere fails the run, and so does a feedparser pass rate below --min-feedparser.
"""
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor


class NotModelled(Exception):
    pass


# feedparser's key aliases that map onto what humas models.
ENTRY_ALIASES = {'guid': 'id', 'description': 'summary', 'date_parsed': 'updated_parsed',
                 'modified_parsed': 'updated_parsed', 'issued_parsed': 'published_parsed'}
FEED_ALIASES = {'date_parsed': 'updated_parsed', 'modified_parsed': 'updated_parsed'}


class FPDict(dict):
    """A feedparser-like dict: unknown keys raise NotModelled, modelled-but-absent keys KeyError."""

    def __init__(self, values, modelled, aliases):
        super().__init__({k: v for k, v in values.items() if v not in ('', None)})
        self._modelled = modelled
        self._aliases = aliases

    def _key(self, key):
        key = self._aliases.get(key, key)
        if key not in self._modelled:
            raise NotModelled(key)
        return key

    def __getitem__(self, key):
        return dict.__getitem__(self, self._key(key))

    def __getattr__(self, key):
        if key.startswith('_'):
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key)

    def get(self, key, default=None):
        return dict.get(self, self._key(key), default)

    def __contains__(self, key):
        return dict.__contains__(self, self._key(key))

    def keys(self):
        raise NotModelled('keys()')


def parsed(value):
    if not value:
        return None
    t = time.strptime(value, '%Y-%m-%dT%H:%M:%SZ')
    return time.struct_time(tuple(t)[:8] + (0,))


FEED_KEYS = {'title', 'link', 'language', 'updated_parsed'}
ENTRY_KEYS = {'id', 'title', 'link', 'author', 'summary', 'published_parsed', 'updated_parsed'}


def to_feedparser(out):
    f = out['feed']
    feed = FPDict({'title': f['title'], 'link': f['link'], 'language': f['language'],
                   'updated_parsed': parsed(f['updated'])}, FEED_KEYS, FEED_ALIASES)
    entries = []
    for e in out['entries']:
        entries.append(FPDict({'id': e['id'], 'title': e['title'], 'link': e['link'],
                               'author': e['author'], 'summary': e['summary'],
                               'published_parsed': parsed(e['published']),
                               'updated_parsed': parsed(e['updated'])}, ENTRY_KEYS, ENTRY_ALIASES))
    return feed, entries


def header_block(raw):
    """The leading comment of a case, whatever the file's encoding."""
    for enc in ('utf-8', 'utf-16', 'utf-32', 'latin-1'):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if 'Expect:' in text or 'Description:' in text:
            end = text.find('-->')
            return text[:end if end >= 0 else 4000]
    return ''


def field(block, name):
    m = re.search(r'^\s*' + name + r':\s*(.*?)\s*$', block, re.M)
    return m.group(1) if m else None


def run(binary, path, args=()):
    try:
        p = subprocess.run([binary, 'feed-parse', '--verbose', *args, path], capture_output=True,
                           timeout=20)
    except subprocess.TimeoutExpired:
        return 'hang', None, ''
    if p.returncode < 0 or p.returncode not in (0, 2):
        return 'crash', None, p.stderr.decode('utf-8', 'replace')
    if p.returncode == 2:
        err = p.stderr.decode('utf-8', 'replace').strip()
        if '\n' in err or not err:
            return 'crash', None, 'exit 2 without a one-line reason: ' + repr(err)
        return 'refused', None, err
    try:
        return 'ok', json.loads(p.stdout), ''
    except ValueError as e:
        return 'crash', None, 'output is not JSON: %s' % e


def files_under(root):
    for dirpath, _, names in os.walk(root):
        for n in sorted(names):
            if n.endswith(('.xml', '.rdf', '.rss', '.atom')):
                yield os.path.join(dirpath, n)


def feedparser_case(binary, root, path):
    raw = open(path, 'rb').read()
    block = header_block(raw)
    expect = field(block, 'Expect')
    rel = os.path.relpath(path, root)
    group = rel.split(os.sep)[0] if rel.count(os.sep) == 1 else os.path.dirname(rel)
    if field(block, 'SkipUnless') and 'feedparser.' in field(block, 'SkipUnless'):
        return group, rel, 'na', 'SkipUnless names feedparser internals'
    args = ['--base-url', 'http://127.0.0.1:8097/tests/' + rel.replace(os.sep, '/')]
    for h in re.findall(r'^\s*Header:\s*(.*?)\s*$', block, re.M):
        name, _, value = h.partition(':')
        name, value = name.strip().lower(), value.strip()
        if name == 'content-location' and value:
            args += ['--base-url', value]
        elif name == 'content-type':
            m = re.search(r'charset\s*=\s*["\']?([\w.:-]+)', value, re.I)
            if m:
                args += ['--charset', m.group(1)]
    status, out, err = run(binary, path, args)
    if status in ('crash', 'hang'):
        return group, rel, status, err
    if not expect:
        return group, rel, 'na', 'no Expect line'
    if status == 'refused':
        out = None
    env = {'bozo': True if out is None else out['bozo'], '__builtins__': {
        'len': len, 'ord': ord, 'isinstance': isinstance, 'str': str, 'int': int, 'tuple': tuple,
        'list': list, 'dict': dict, 'True': True, 'False': False, 'None': None}}
    if out is not None:
        env['feed'], env['entries'] = to_feedparser(out)
    else:
        env['feed'] = FPDict({}, FEED_KEYS, FEED_ALIASES)
        env['entries'] = []
    try:
        ok = bool(eval(expect, env))
    except NotModelled as e:
        return group, rel, 'na', 'reads %s' % e
    except NameError as e:  # encoding, version, headers, bozo_exception, feedparser...
        return group, rel, 'na', 'reads %s' % e
    except Exception as e:  # missing key, no entries, ... : a real failure
        return group, rel, 'fail', '%s: %s [%s]' % (type(e).__name__, e, expect)
    return group, rel, 'pass' if ok else 'fail', expect


def main():
    binary, shared = sys.argv[1], sys.argv[2]
    min_rate = None
    show = '--show-failures' in sys.argv
    if '--min-feedparser' in sys.argv:
        min_rate = float(sys.argv[sys.argv.index('--min-feedparser') + 1])
    fixtures = os.path.join(shared, 'fixtures')
    bad = []

    fp_root = os.path.join(fixtures, 'peer-suites', 'feedparser')
    per_group = defaultdict(lambda: defaultdict(int))
    failures = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: feedparser_case(binary, fp_root, p), files_under(fp_root)))
    for group, rel, status, detail in results:
        per_group[group][status] += 1
        if status in ('crash', 'hang'):
            bad.append((rel, status, detail))
        elif status == 'fail':
            failures.append((rel, detail))
    totals = defaultdict(int)
    print('feedparser suite (%s)' % fp_root)
    print('  %-28s %6s %6s %6s %6s' % ('group', 'pass', 'fail', 'n/a', 'crash'))
    for g in sorted(per_group):
        c = per_group[g]
        for k, v in c.items():
            totals[k] += v
        print('  %-28s %6d %6d %6d %6d' % (g, c['pass'], c['fail'], c['na'], c['crash'] + c['hang']))
    applicable = totals['pass'] + totals['fail']
    rate = totals['pass'] / applicable if applicable else 0.0
    print('  cases %d, applicable %d, passed %d -> pass rate %.4f (%.1f%%)' % (
        sum(totals.values()), applicable, totals['pass'], rate, 100 * rate))
    if show:
        for rel, detail in failures:
            print('  FAIL %s: %s' % (rel, detail))

    fv_root = os.path.join(fixtures, 'peer-suites', 'feedvalidator')
    fv = defaultdict(int)

    def fv_case(path):
        block = header_block(open(path, 'rb').read())
        expect = (field(block, 'Expect') or '').strip()
        status, out, err = run(binary, path)
        return path, expect, status, err
    with ThreadPoolExecutor(max_workers=2) as pool:
        fv_results = list(pool.map(fv_case, files_under(fv_root)))
    valid_failures = []
    for path, expect, status, err in fv_results:
        rel = os.path.relpath(path, fv_root)
        if status in ('crash', 'hang'):
            bad.append((rel, status, err))
            fv['crash'] += 1
            continue
        if expect.startswith('!Error'):
            fv['valid'] += 1
            if status == 'ok':
                fv['valid_parsed'] += 1
            else:
                valid_failures.append((rel, err))
        else:
            fv['other'] += 1
            fv['other_' + status] += 1
    vrate = fv['valid_parsed'] / fv['valid'] if fv['valid'] else 0.0
    print('feedvalidator suite: %d cases; valid feeds (!Error) parsed %d/%d (%.1f%%); '
          'invalid/other cases survived %d (parsed %d, refused with a reason %d); crashes/hangs %d'
          % (len(fv_results), fv['valid_parsed'], fv['valid'], 100 * vrate, fv['other'],
             fv['other_ok'], fv['other_refused'], fv['crash']))
    if show:
        for rel, err in valid_failures:
            print('  VALID-REFUSED %s: %s' % (rel, err))

    ra_root = os.path.join(fixtures, 'rss-atom')
    ra_ok = ra_total = 0
    for path in files_under(ra_root):
        ra_total += 1
        status, out, err = run(binary, path)
        if status in ('crash', 'hang'):
            bad.append((path, status, err))
        elif status == 'ok' and out['entries']:
            ra_ok += 1
        elif show:
            print('  RSS-ATOM %s: %s %s' % (path, status, err))
    print('rss-atom fixtures: %d/%d parsed with entries' % (ra_ok, ra_total))

    for rel, status, detail in bad:
        print('CRASH/HANG %s: %s %s' % (rel, status, detail[:300]))
    ok = not bad
    if min_rate is not None and rate + 1e-9 < min_rate:
        print('feedparser pass rate %.4f is below the recorded %.4f' % (rate, min_rate))
        ok = False
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
