#!/usr/bin/env python3
"""Derives one sentence-level sentiment label per review from IndoNLU's aspect-based sets (CASA,
HoASA), for use as extra training data (`humas train --extra`).

usage: scripts/nlp/absa_sentence_labels.py FILE.csv > OUT.tsv   (prints counts on stderr)

Rule (no guessing): a review whose aspects are only positive/neutral with at least one positive is
`positive`; only negative/neutral with at least one negative is `negative`; all aspects neutral is
`neutral`; a review with both a positive and a negative aspect (HoASA's `neg_pos` included) is mixed
and left out, because SmSA has no mixed class. Output: `text<TAB>label`, tabs/newlines in the text
replaced by spaces.
"""
import csv
import sys
from collections import Counter

POS = {"positive", "pos"}
NEG = {"negative", "neg"}
BOTH = {"neg_pos"}


def main(path: str) -> int:
    counts = Counter()
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        for row in rows:
            if len(row) != len(header):
                counts["malformed"] += 1
                continue
            text = " ".join(row[0].split())
            values = set(v.strip() for v in row[1:])
            pos = bool(values & (POS | BOTH))
            neg = bool(values & (NEG | BOTH))
            if pos and neg:
                counts["mixed (left out)"] += 1
                continue
            label = "positive" if pos else "negative" if neg else "neutral"
            counts[label] += 1
            print(f"{text}\t{label}")
    print(f"{path}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
