#!/usr/bin/env python3
"""Bounded, deterministic fuzzing of the scriptable interface the acceptance checks drive.

usage: cli_fuzz.py HUMAS_BIN SHARED_DIR [--seed N] [--feed-runs N] [--verify-runs N]
                   [--timeout SECONDS] [--jobs N]

`humas feed-parse FILE` runs over documents from ../shared/fixtures (rss-atom, the feedparser and
feedvalidator peer suites) mutated with a fixed seed (truncation, bit flips, inserted and repeated
bytes, spliced documents) and over hostile documents built here (empty, directory, missing file,
binary, huge, deeply nested, non-UTF-8, entity bombs, external entities, extreme dates). Every run
must end within the time limit with exit 0 and exactly one JSON object of the documented shape
(dates RFC 3339 UTC or "") on stdout, or exit 2 with one line "humas feed-parse: <reason>" on
stderr and nothing on stdout. Never a signal, never another exit code, never a secret file's
content in the output.

`humas webhook-verify` runs over the peer-suite vectors (standard-webhooks, webhook-signatures)
written as header files the way a user would (JSON object, JSON arrays of values, raw "Name:
value" lines with LF or CRLF, any name case, a request line, a pasted request with its body,
HTTP/2 pseudo-headers, a byte-order mark, irrelevant duplicate headers) and over mutations
(bit flips and truncation of the body or the signature, dropped or conflicting duplicate
signature headers, shifted clocks, odd secrets, binary header files, huge bodies, directories,
missing files). The expected exit code comes from an independent implementation of each
platform's rule here (Python's hmac/base64): 0 "authentic", 1 "not authentic: <reason>", 2 usage
(unreadable files). Any disagreement, crash or hang fails the run.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

FEED_KEYS = {'title', 'link', 'language', 'updated'}
ENTRY_KEYS = {'id', 'title', 'link', 'published', 'updated', 'author', 'summary'}
DATE_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$')
SECRET_MARK = 'HUMAS-FUZZ-SECRET-FILE-CONTENT'


class Failure(Exception):
    pass


def run(cmd, timeout):
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f'hang: no answer within {timeout} s')
    return p, time.monotonic() - start


# ---------------------------------------------------------------------------------------------
# feed-parse


def check_date(value, where):
    if value == '':
        return
    m = DATE_RE.match(value)
    if not m:
        raise Failure(f'{where}: date {value!r} is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SSZ)')
    _, mo, d, h, mi, s = (int(x) for x in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h <= 23 and mi <= 59 and s <= 60):
        raise Failure(f'{where}: date {value!r} has a field out of range')


def check_feed_output(p):
    if p.returncode < 0:
        raise Failure(f'killed by signal {-p.returncode}: {p.stderr[-300:]!r}')
    if p.returncode == 2:
        if p.stdout:
            raise Failure(f'exit 2 but wrote to stdout: {p.stdout[:200]!r}')
        err = p.stderr.decode('utf-8', 'strict')
        if not re.fullmatch(r'humas feed-parse: [^\n]+\n', err):
            raise Failure(f'exit 2 without a one-line reason: {err[:300]!r}')
        return 'refused'
    if p.returncode != 0:
        raise Failure(f'exit {p.returncode} (only 0 or 2 allowed): {p.stderr[-300:]!r}')
    if p.stderr:
        raise Failure(f'exit 0 but stderr: {p.stderr[:300]!r}')
    text = p.stdout.decode('utf-8', 'strict')  # UnicodeDecodeError → reported by the caller
    if not text.endswith('\n') or '\n' in text[:-1]:
        raise Failure('output is not exactly one line')
    doc = json.loads(text)
    if set(doc) != {'feed', 'entries'}:
        raise Failure(f'top-level keys {sorted(doc)}')
    feed = doc['feed']
    if not isinstance(feed, dict) or set(feed) != FEED_KEYS:
        raise Failure(f'feed keys {sorted(feed) if isinstance(feed, dict) else feed!r}')
    for k in FEED_KEYS:
        if not isinstance(feed[k], str):
            raise Failure(f'feed.{k} is not a string')
    check_date(feed['updated'], 'feed.updated')
    if not isinstance(doc['entries'], list):
        raise Failure('entries is not a list')
    for i, e in enumerate(doc['entries']):
        if not isinstance(e, dict) or set(e) != ENTRY_KEYS:
            raise Failure(f'entries[{i}] keys {sorted(e) if isinstance(e, dict) else e!r}')
        for k in ENTRY_KEYS:
            if not isinstance(e[k], str):
                raise Failure(f'entries[{i}].{k} is not a string')
        check_date(e['published'], f'entries[{i}].published')
        check_date(e['updated'], f'entries[{i}].updated')
    if SECRET_MARK in text:
        raise Failure('an external entity was expanded: a local file reached the output')
    return 'parsed'


def corpus_files(shared):
    roots = ['fixtures/rss-atom', 'fixtures/peer-suites/feedparser',
             'fixtures/peer-suites/feedvalidator']
    files = []
    for root in roots:
        for d, _, names in os.walk(os.path.join(shared, root)):
            for n in names:
                if n.lower().endswith(('.xml', '.rss', '.atom', '.rdf')):
                    files.append(os.path.join(d, n))
    return sorted(files)


def mutate(rng, data, others):
    """One random mutation of a document (bytes)."""
    op = rng.choice(['truncate', 'bitflip', 'insert', 'repeat', 'splice', 'delete', 'swap_tags',
                     'garbage_tail', 'strip_end_tags', 'nul'])
    b = bytearray(data)
    if not b:
        return bytes(rng.getrandbits(8) for _ in range(64)), op
    if op == 'truncate':
        return bytes(b[:rng.randrange(len(b))]), op
    if op == 'bitflip':
        for _ in range(rng.randint(1, 16)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        return bytes(b), op
    if op == 'insert':
        i = rng.randrange(len(b) + 1)
        chunk = rng.choice([b'<', b'>', b'&', b'&#x0;', b'&#xD800;', b'<![CDATA[', b']]>', b'"',
                            b'\xff\xfe', b'\xc3', b'\xe2\x80', b'<!--', b'<?xml version="1.0"?>',
                            b'<item>', b'</channel>', b'xmlns:a="x"', b'\x00', b'&nbsp;', b'&bogus;'])
        return bytes(b[:i] + chunk * rng.randint(1, 50) + b[i:]), op
    if op == 'repeat':
        i = rng.randrange(len(b))
        j = min(len(b), i + rng.randint(1, 400))
        return bytes(b[:j] + b[i:j] * rng.randint(2, 200) + b[j:]), op
    if op == 'splice':
        other = others[rng.randrange(len(others))]
        i = rng.randrange(len(b) + 1)
        j = rng.randrange(len(other) + 1)
        return bytes(b[:i]) + other[j:], op
    if op == 'delete':
        i = rng.randrange(len(b))
        return bytes(b[:i] + b[i + rng.randint(1, 200):]), op
    if op == 'swap_tags':
        return re.sub(rb'</?(title|link|pubDate|updated|published|guid|id)\b',
                      lambda m: rng.choice([b'<', b'</']) + m.group(1), bytes(b)), op
    if op == 'garbage_tail':
        return bytes(b) + bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 2000))), op
    if op == 'strip_end_tags':
        return re.sub(rb'</[^>]*>', b'', bytes(b)), op
    i = rng.randrange(len(b))
    return bytes(b[:i] + b'\x00' + b[i:]), op


def hostile_documents(rng, secret_file):
    rss = lambda items, extra=b'': (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">'
                                    b'<channel><title>t</title>' + extra + items +
                                    b'</channel></rss>')
    item = b'<item><title>Banjir</title><link>http://a/1</link><pubDate>%s</pubDate></item>'
    docs = {
        'empty': b'',
        'whitespace': b' \n\t\r\n',
        'bom-only': b'\xef\xbb\xbf',
        'utf16-bom-only': b'\xff\xfe',
        'binary': bytes(rng.getrandbits(8) for _ in range(65536)),
        'nul-bytes': b'\x00' * 10000,
        'json': b'{"feed": {"title": "not xml"}}',
        'html': b'<!DOCTYPE html><html><head><title>x</title></head><body><p>hi</body></html>',
        'xml-not-feed': b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        'deep-nesting': rss(b'<item><description>' + b'<a>' * 200000 + b'x' + b'</a>' * 200000 +
                            b'</description></item>'),
        'deep-unclosed': b'<rss><channel>' + b'<item><title>' * 100000,
        'many-attributes': rss(b'<item ' + b' '.join(b'a%d="%d"' % (i, i) for i in range(50000)) +
                               b'><title>x</title></item>'),
        'long-line': rss(b'<item><title>' + b'A' * (8 << 20) + b'</title></item>'),
        'many-entries': rss(item % b'Mon, 23 Nov 2026 10:00:00 +0700' * 20000),
        'too-large': b'<rss><channel><title>x</title>' + b' ' * (17 << 20) + b'</channel></rss>',
        'billion-laughs': (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">' +
                           b''.join(b'<!ENTITY %c "%s">' % (c, (b'&%c;' % (c - 1)) * 10)
                                    for c in range(ord('b'), ord('k'))) +
                           b']><rss><channel><title>&j;</title></channel></rss>'),
        'xxe-file': (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://' +
                     secret_file.encode() + b'">]><rss version="2.0"><channel><title>&x;</title>'
                     b'<item><title>&x;</title></item></channel></rss>'),
        'xxe-parameter': (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "file://' +
                          secret_file.encode() + b'"> %p;]><rss><channel><title>t</title>'
                          b'</channel></rss>'),
        'external-dtd': (b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/x.dtd">'
                         b'<rss><channel><title>t</title></channel></rss>'),
        'latin1-declared-utf8': rss(b'<item><title>Caf\xe9 \xa0 \xff</title></item>'),
        'utf16le': ('<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>'
                    'Berita</title><item><title>Jalan rusak</title></item></channel></rss>'
                    ).encode('utf-16'),
        'utf16-truncated-odd': ('<rss><channel><title>x</title></channel></rss>'
                                ).encode('utf-16')[:-1],
        'unknown-encoding': b'<?xml version="1.0" encoding="x-klingon"?><rss><channel><title>t'
                            b'</title></channel></rss>',
        'surrogate-refs': rss(b'<item><title>&#xD800;&#xDFFF;&#x110000;&#0;&#x1F600;</title>'
                              b'</item>'),
        'overlong-utf8': rss(b'<item><title>\xc0\xaf\xe0\x80\xaf\xf8\x88\x80\x80\x80</title>'
                             b'</item>'),
        'cdata-nest': rss(b'<item><description><![CDATA[<![CDATA[x]]>]]></description></item>'),
        'atom-empty': b'<feed xmlns="http://www.w3.org/2005/Atom"/>',
        'rdf-empty': (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                      b'xmlns="http://purl.org/rss/1.0/"/>'),
        'processing-instructions': b'<?xml version="1.0"?>' + b'<?pi x?>' * 50000 + b'<rss/>',
        'comments': rss(b'<!--' + b'-' * 100000 + b'-->'),
    }
    dates = [b'Mon, 31 Dec 9999 23:59:59 +1400', b'Sat, 01 Jan 0000 00:00:00 -1200',
             b'1 Jan 99999 00:00:00 GMT', b'-0001-01-01T00:00:00Z', b'9999-12-31T23:59:60Z',
             b'2026-02-30T25:61:61+99:99', b'275760-09-13T00:00:00Z', b'0000-00-00T00:00:00Z',
             b'Tue, 99 Foo 2026 99:99:99 WIB', b'1e308', b'\xff\xfe\x00', b'2026-11-23T10:00:00.' +
             b'9' * 5000 + b'Z', b'9223372036854775807', b'-9223372036854775808',
             b'Thu, 01 Jan 1970 00:00:00 +9999999999']
    for i, d in enumerate(dates):
        docs[f'date-{i}'] = rss(item % d)
        docs[f'atom-date-{i}'] = (b'<feed xmlns="http://www.w3.org/2005/Atom"><updated>' + d +
                                  b'</updated><entry><id>x</id><published>' + d +
                                  b'</published><updated>' + d + b'</updated></entry></feed>')
    return docs


def feed_cases(args, rng, work):
    secret_file = os.path.join(work, 'secret.txt')
    with open(secret_file, 'w') as f:
        f.write(SECRET_MARK + '\n')
    cases = []  # (name, path, expected: None | 'parsed' | 'refused')
    docs_dir = os.path.join(work, 'feed')
    os.makedirs(docs_dir)

    def add(name, data, expected=None):
        path = os.path.join(docs_dir, f'{len(cases):05d}')
        with open(path, 'wb') as f:
            f.write(data)
        cases.append((name, path, expected))

    for name, data in hostile_documents(rng, secret_file).items():
        expected = {'empty': 'refused', 'too-large': 'refused', 'binary': 'refused',
                    'json': 'refused', 'xml-not-feed': 'refused',
                    'many-entries': 'parsed'}.get(name)
        add(name, data, expected)
    cases.append(('directory', docs_dir, 'refused'))
    cases.append(('missing-file', os.path.join(work, 'does-not-exist.xml'), 'refused'))
    files = corpus_files(args.shared)
    if not files:
        raise SystemExit(f'no feed documents under {args.shared}/fixtures')
    originals = []
    for path in rng.sample(files, min(len(files), 300)):
        with open(path, 'rb') as f:
            originals.append((os.path.relpath(path, args.shared), f.read()))
    raw = [d for _, d in originals]
    while len(cases) < args.feed_runs:
        name, data = originals[rng.randrange(len(originals))]
        for _ in range(rng.randint(1, 3)):
            data, op = mutate(rng, data, raw)
            name += '+' + op
        add(name, data)
    return cases


def feed_one(args, case):
    name, path, expected = case
    try:
        p, secs = run([args.humas, 'feed-parse', path], args.timeout)
        try:
            outcome = check_feed_output(p)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise Failure(f'output is not UTF-8 JSON: {e}')
        if expected and outcome != expected:
            raise Failure(f'expected {expected}, got {outcome} ({p.stderr[:200]!r})')
    except Failure as e:
        if args.keep and os.path.isfile(path):
            os.makedirs(args.keep, exist_ok=True)
            shutil.copy(path, os.path.join(args.keep, os.path.basename(path)))
        raise Failure(f'{name} ({os.path.basename(path)}): {e}')
    return outcome, secs


# ---------------------------------------------------------------------------------------------
# webhook-verify: an independent statement of each platform's rule.

B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'


def standard_key(secret):
    s = secret[6:] if secret.startswith('whsec_') else secret
    s = s.rstrip('=')
    if not s or len(s) % 4 == 1 or any(c not in B64 for c in s):
        return None
    return base64.b64decode(s + '=' * (-len(s) % 4))


def values(pairs, name):
    return [v for n, v in pairs if n == name]


def single(pairs, name):
    """The header's value; None when absent or given twice with different values."""
    vs = set(values(pairs, name))
    return vs.pop() if len(vs) == 1 else None


def authentic(platform, secret, pairs, body, now):
    """pairs: (lower-case name, value without surrounding white space) as a user wrote them."""
    if not secret:
        return False
    if platform == 'meta':
        v = single(pairs, 'x-hub-signature-256')
        return v is not None and hmac.compare_digest(
            v.lower().encode(), b'sha256=' + hmac.new(secret.encode(), body, hashlib.sha256)
            .hexdigest().encode())
    if platform == 'x':
        v = single(pairs, 'x-twitter-webhooks-signature')
        mac = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
        return v is not None and hmac.compare_digest(v.encode(), b'sha256=' + mac)
    if platform == 'telegram':
        v = single(pairs, 'x-telegram-bot-api-secret-token')
        return v is not None and hmac.compare_digest(v.encode(), secret.encode())
    key = standard_key(secret)
    msg_id, ts = single(pairs, 'webhook-id'), single(pairs, 'webhook-timestamp')
    sigs = ' '.join(values(pairs, 'webhook-signature'))
    if key is None or not msg_id or not ts or not sigs:
        return False
    if not re.fullmatch(r'-?[0-9]+', ts) or not -2**63 <= int(ts) < 2**63:
        return False
    if abs(int(ts) - now) > 300:
        return False
    expected = base64.b64encode(hmac.new(
        key, f'{msg_id}.{ts}.'.encode() + body, hashlib.sha256).digest()).decode()
    return any(e.partition(',')[0] == 'v1' and e.partition(',')[2] == expected
               for e in sigs.split(' '))


def vectors(shared):
    """(platform, secret, [(name, value)], body bytes, now) for every peer-suite case."""
    out = []
    with open(os.path.join(shared, 'fixtures/peer-suites/standard-webhooks/vectors.json')) as f:
        for c in json.load(f)['cases']:
            out.append(('standard', c['secret'], list(c['headers'].items()),
                        c['payload'].encode(), c['now']))
    platforms = {'meta-x-hub-signature-256': 'meta', 'x-twitter-webhooks-signature': 'x',
                 'telegram-secret-token': 'telegram'}
    with open(os.path.join(shared, 'fixtures/peer-suites/webhook-signatures/vectors.json')) as f:
        for c in json.load(f)['cases']:
            platform = platforms.get(c['scheme'])
            if not platform:
                continue
            secret = c.get('secret') or c.get('consumer_secret') or c.get('configured_secret_token')
            headers = [] if c['header_value'] is None else [(c['header_name'], c['header_value'])]
            out.append((platform, secret, headers, c.get('body', '').encode(), 1700000000))
    return out


SIG_HEADERS = {'meta': 'x-hub-signature-256', 'x': 'x-twitter-webhooks-signature',
               'telegram': 'x-telegram-bot-api-secret-token', 'standard': 'webhook-signature'}


def sign(platform, secret, pairs, body):
    """Replaces the signature header of a case with a correct one for `body`."""
    rest = [(n, v) for n, v in pairs if n.lower() != SIG_HEADERS[platform]]
    if platform == 'meta':
        sig = 'sha256=' + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    elif platform == 'x':
        sig = 'sha256=' + base64.b64encode(
            hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    elif platform == 'telegram':
        sig = secret
    else:
        h = {n.lower(): v for n, v in pairs}
        key = standard_key(secret)
        if key is None:
            return pairs
        sig = 'v1,' + base64.b64encode(hmac.new(
            key, f"{h.get('webhook-id', '')}.{h.get('webhook-timestamp', '')}.".encode() + body,
            hashlib.sha256).digest()).decode()
    return rest + [(SIG_HEADERS[platform], sig)]


def flip(rng, s):
    if not s:
        return 'x'
    i = rng.randrange(len(s))
    c = chr(ord(s[i]) ^ (1 << rng.randrange(5)))
    return s[:i] + (c if c.isprintable() and c not in '\r\n' else 'A' if s[i] != 'A' else 'B') + \
        s[i + 1:]


def random_case(rng, name):
    return ''.join(ch.upper() if ch.isalpha() and rng.random() < 0.5 else ch for ch in name)


def valid(vector):
    platform, secret, pairs, body, now = vector
    return authentic(platform, secret, [(n.lower(), v) for n, v in pairs], body, now)


def write_headers(rng, pairs, style):
    """A headers file in `style`; pairs keep their order (names any case)."""
    if style == 'json':
        obj = {}
        for n, v in pairs:
            if n in obj:  # a JSON object cannot repeat a name: use the array form
                return write_headers(rng, pairs, 'json-arrays')
            obj[n] = v
        if rng.random() < 0.3:
            obj['X-Absent'] = None
        return json.dumps(obj).encode()
    if style == 'json-arrays':  # Go's http.Header and many loggers
        obj = {}
        for n, v in pairs:
            obj.setdefault(n, []).append(v)
        return json.dumps(obj, indent=2).encode()
    eol = b'\r\n' if style in ('crlf', 'request', 'pasted') else b'\n'
    lines = []
    if style in ('request', 'pasted'):
        lines.append(b'POST /hooks/x HTTP/1.1')
        lines.append(b'Host: 127.0.0.1:8080')
    if style == 'h2':
        lines += [b':method: POST', b':path: /hooks', b':authority: 127.0.0.1']
    for n, v in pairs:
        sp = rng.choice([b'', b' ', b'  ', b'\t'])
        tail = rng.choice([b'', b' ', b'\t'])
        lines.append(n.encode() + b':' + sp + v.encode() + tail)
    text = eol.join(lines) + eol
    if style == 'pasted':
        text += eol + b'{"this": "is the body: not headers"}\r\nnot: a header' + eol
    if style == 'bom':
        text = b'\xef\xbb\xbf' + text
    if style == 'blank-first':
        text = eol + eol + text
    return text


STYLES = ['json', 'json-arrays', 'lf', 'crlf', 'request', 'pasted', 'h2', 'bom', 'blank-first']


def verify_cases(args, rng, work):
    base = vectors(args.shared)
    cases = []
    vdir = os.path.join(work, 'verify')
    os.makedirs(vdir)

    def add(label, platform, secret, headers_bytes, body, now, expect, body_path=None,
            headers_path=None):
        n = len(cases)
        hp = headers_path or os.path.join(vdir, f'{n:05d}.h')
        bp = body_path or os.path.join(vdir, f'{n:05d}.b')
        if headers_path is None:
            with open(hp, 'wb') as f:
                f.write(headers_bytes)
        if body_path is None:
            with open(bp, 'wb') as f:
                f.write(body)
        cases.append((label, platform, secret, hp, bp, now, expect))

    def add_pairs(label, platform, secret, pairs, body, now, style=None):
        style = style or rng.choice(STYLES)
        lowered = [(n.lower(), v.strip(' \t')) for n, v in pairs]
        named = [(random_case(rng, n), v) for n, v in pairs]
        expect = 0 if authentic(platform, secret, lowered, body, now) else 1
        add(f'{label} [{style}]', platform, secret, write_headers(rng, named, style), body, now,
            expect)

    # Every vector in every file style: the style must never change the answer.
    for i, (platform, secret, pairs, body, now) in enumerate(base):
        for style in STYLES:
            add_pairs(f'vector {i} {platform}', platform, secret, pairs, body, now, style)
    # Fixed edge cases.
    p, s, pairs, body, now = next(v for v in base if v[0] == 'standard' and valid(v))
    big = b'{"pad":"' + b'a' * (24 << 20) + b'"}'
    add_pairs('standard, 24 MB body signed', p, s, sign(p, s, pairs, big), big, now)
    add_pairs('standard, two signature lines, the second valid', p, s,
              [(n, v) for n, v in pairs if n != 'webhook-signature'] +
              [('webhook-signature', 'v1,AAAA'), ('webhook-signature',
                                                   dict(pairs)['webhook-signature'])], body, now)
    add_pairs('standard, conflicting webhook-id lines', p, s,
              pairs + [('webhook-id', 'msg_other')], body, now)
    add_pairs('standard, identical webhook-id twice', p, s,
              pairs + [('webhook-id', dict(pairs)['webhook-id'])], body, now)
    for shift in (-301, -300, 300, 301, 10**12, -10**12):
        add_pairs(f'standard, clock {shift:+d}', p, s, pairs, body, now + shift)
    for ts in ('', ' ', '+1614265330', '1614265330.0', '9' * 30, '-9223372036854775808',
               '0x10', '１６１４２６５３３０'):
        t_pairs = [(n, ts if n == 'webhook-timestamp' else v) for n, v in pairs]
        add_pairs(f'standard, timestamp {ts!r}', p, s, sign(p, s, t_pairs, body), body, now)
    for bad_secret in ('', 'whsec_', 'whsec_%%%', 'whsec_A', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw===',
                       'whsec_' + 'A' * 10000, 'whsec_ MfKQ9r8G'):
        add_pairs(f'standard, secret {bad_secret[:20]!r}', p, bad_secret, pairs, body, now)
    meta = next(v for v in base if v[0] == 'meta' and valid(v))
    mp, ms, mpairs, mbody, mnow = meta
    add_pairs('meta, conflicting signature lines', mp, ms,
              mpairs + [('X-Hub-Signature-256', 'sha256=' + '0' * 64)], mbody, mnow)
    add_pairs('meta, forged first, genuine second', mp, ms,
              [('X-Hub-Signature-256', 'sha256=' + '0' * 64)] + mpairs, mbody, mnow)
    add_pairs('meta, the same signature twice', mp, ms, mpairs + mpairs, mbody, mnow)
    add_pairs('meta, upper-case hex', mp, ms,
              [(n, v[:7] + v[7:].upper()) for n, v in mpairs], mbody, mnow)
    add_pairs('meta, legacy sha1 header only', mp, ms,
              [('X-Hub-Signature', 'sha1=' + hmac.new(ms.encode(), mbody, 'sha1').hexdigest())],
              mbody, mnow)
    add_pairs('meta, empty body signed', mp, ms, sign(mp, ms, mpairs, b''), b'', mnow)
    nonutf8 = b'\xff\xfe\x00{"a":"\xc3"}'
    add_pairs('meta, binary body signed', mp, ms, sign(mp, ms, mpairs, nonutf8), nonutf8, mnow)
    tg = next(v for v in base if v[0] == 'telegram' and valid(v))
    add_pairs('telegram, token with trailing space in the file', *tg[:2],
              [(n, v + '   ') for n, v in tg[2]], b'', 0)
    # Unreadable or unparseable files.
    add('headers file is a directory', p, s, b'', body, now, 2, headers_path=vdir)
    add('body file is a directory', p, s, write_headers(rng, pairs, 'lf'), b'', now, 2,
        body_path=vdir)
    add('headers file missing', p, s, b'', body, now, 2,
        headers_path=os.path.join(work, 'missing.h'))
    add('body file missing', p, s, write_headers(rng, pairs, 'lf'), b'', now, 2,
        body_path=os.path.join(work, 'missing.b'))
    add('headers file empty', p, s, b'', body, now, 1)
    add('headers file binary', p, s, bytes(rng.getrandbits(8) for _ in range(4096)), body, now, 1)
    add('headers file huge', p, s, b'X-Pad: ' + b'a' * (20 << 20) + b'\n' +
        write_headers(rng, pairs, 'lf'), body, now, 0 if valid((p, s, pairs, body, now)) else 1)
    add('headers JSON broken', p, s, b'{"webhook-id": "x",', body, now, 1)
    add('headers JSON nested deep', p, s, b'[' * 100000 + b']' * 100000, body, now, 1)
    add('headers JSON not an object', p, s, b'["webhook-id"]', body, now, 1)
    # Random mutations of the vectors: re-signed (must pass) or damaged (must fail).
    while len(cases) < args.verify_runs:
        platform, secret, pairs, body, now = base[rng.randrange(len(base))]
        op = rng.choice(['resign', 'body_flip', 'body_truncate', 'body_extend', 'sig_flip',
                         'drop', 'dup_conflict', 'dup_same', 'junk_headers'])
        label = f'{platform} {op}'
        if op == 'resign':
            body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 3000)))
            pairs = sign(platform, secret, pairs, body)
        elif op == 'body_flip' and body:
            b = bytearray(body)
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
            body = bytes(b)
        elif op == 'body_truncate' and body:
            body = body[:rng.randrange(len(body))]
        elif op == 'body_extend':
            body = body + rng.choice([b' ', b'\n', b'\r\n', b'\x00', b'}'])
        elif op == 'sig_flip' and pairs:
            i = rng.randrange(len(pairs))
            pairs = pairs[:i] + [(pairs[i][0], flip(rng, pairs[i][1]))] + pairs[i + 1:]
        elif op == 'drop' and pairs:
            i = rng.randrange(len(pairs))
            pairs = pairs[:i] + pairs[i + 1:]
        elif op == 'dup_conflict' and pairs:
            n, v = pairs[rng.randrange(len(pairs))]
            pairs = pairs + [(n, flip(rng, v))]
        elif op == 'dup_same' and pairs:
            pairs = pairs + [pairs[rng.randrange(len(pairs))]]
        elif op == 'junk_headers':
            pairs = [('User-Agent', 'facebookexternalua'), ('Accept', '*/*'),
                     ('Accept', 'application/json')] + pairs + [('Content-Type', 'application/json')]
        add_pairs(label, platform, secret, pairs, body, now)
    return cases


def verify_one(args, case):
    label, platform, secret, hp, bp, now, expect = case
    cmd = [args.humas, 'webhook-verify', '--platform', platform, '--secret', secret,
           '--headers', hp, '--body', bp, '--now', str(now)]
    try:
        p, secs = run(cmd, args.timeout)
    except Failure as e:
        raise Failure(f'{label}: {e}')
    if p.returncode < 0:
        raise Failure(f'{label}: killed by signal {-p.returncode}')
    if p.returncode != expect:
        raise Failure(f'{label}: exit {p.returncode}, expected {expect}: '
                      f'{p.stdout[:200]!r} {p.stderr[:200]!r}')
    out = p.stdout.decode('utf-8', 'replace')
    if expect == 0 and out != 'authentic\n':
        raise Failure(f'{label}: stdout {out!r}')
    if expect == 1 and not re.fullmatch(r'not authentic: [^\n]+\n', out):
        raise Failure(f'{label}: not one reason line: {out!r}')
    if expect == 2 and (out or not p.stderr):
        raise Failure(f'{label}: usage error without a message on stderr')
    return expect, secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('humas')
    ap.add_argument('shared')
    ap.add_argument('--seed', type=int, default=20261124)
    ap.add_argument('--feed-runs', type=int, default=700)
    ap.add_argument('--verify-runs', type=int, default=700)
    ap.add_argument('--timeout', type=float, default=30.0)
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--keep', help='copy the inputs of failing feed-parse runs into this folder')
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix='humas-cli-fuzz-')
    failures = []
    try:
        jobs = [('feed-parse', feed_one, c) for c in feed_cases(args, rng, work)]
        jobs += [('webhook-verify', verify_one, c) for c in verify_cases(args, rng, work)]
        tally = {}
        slowest = (0.0, '')

        def go(job):
            kind, fn, case = job
            try:
                outcome, secs = fn(args, case)
                return kind, outcome, secs, case[0], None
            except Failure as e:
                return kind, 'FAIL', 0.0, case[0], str(e)

        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for kind, outcome, secs, name, err in pool.map(go, jobs):
                key = (kind, str(outcome))
                tally[key] = tally.get(key, 0) + 1
                if err:
                    failures.append(f'{kind}: {err}')
                if secs > slowest[0]:
                    slowest = (secs, f'{kind} {name}')
        for (kind, outcome), n in sorted(tally.items()):
            print(f'{kind:15s} {outcome:8s} {n}')
        print(f'slowest run: {slowest[0]:.2f} s ({slowest[1]})')
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures[:50]:
        print('FAIL', f)
    if failures:
        print(f'{len(failures)} failures (seed {args.seed})')
        return 1
    print(f'cli fuzz: {len(jobs)} runs, no crash, hang or wrong answer (seed {args.seed})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
