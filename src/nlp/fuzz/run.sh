#!/usr/bin/env bash
# Builds the libFuzzer target for the normaliser with clang (ASan + UBSan) and runs it.
# usage: src/nlp/fuzz/run.sh [SECONDS=60]   (corpus kept in build-fuzz/corpus)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$ROOT/build-fuzz
SECONDS_TO_RUN=${1:-60}
mkdir -p "$OUT/corpus"
# the lexicon is compiled in, as the CMake build does
{ printf '// Generated.\nnamespace humas::nlp {\nextern const char kColloquialData[];\n'
  printf 'const char kColloquialData[] = R"HUMASLEX('
  cat "$ROOT/src/nlp/data/colloquial.txt"
  printf ')HUMASLEX";\n}\n'; } > "$OUT/colloquial_data.cc"
{ printf '// Generated.\nnamespace humas::nlp {\nextern const char kPolarityAfinnData[];\n'
  printf 'extern const char kPolarityHumasData[];\nconst char kPolarityAfinnData[] = R"HUMASLEX('
  cat "$ROOT/src/nlp/data/polarity-afinn.txt"
  printf ')HUMASLEX";\nconst char kPolarityHumasData[] = R"HUMASLEX('
  cat "$ROOT/src/nlp/data/polarity-humas.txt"
  printf ')HUMASLEX";\n}\n'; } > "$OUT/polarity_data.cc"
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I"$ROOT/src" \
  "$ROOT/src/nlp/fuzz/normalizer_fuzz.cc" "$ROOT/src/nlp/normalizer.cc" "$ROOT/src/nlp/lexicon.cc" \
  "$ROOT/src/nlp/features.cc" "$ROOT/src/nlp/kind_rules.cc" "$ROOT/src/nlp/pii.cc" "$ROOT/src/nlp/polarity.cc" \
  "$OUT/colloquial_data.cc" "$OUT/polarity_data.cc" \
  -lutf8proc -lstemmer -o "$OUT/normalizer_fuzz"
# seeds: a few hostile and ordinary texts
printf 'Pelayanannya GAK jelasss \xf0\x9f\x98\xa1 @humas #BanjirBerau https://x.id' > "$OUT/corpus/seed1"
printf 'nik 6403011708850001 hp +62 812-3456-7890 jl. a no. 1 rt 1/rw 2 a@b.id' > "$OUT/corpus/seed2"
printf '\xff\xfe\xe2\x80\x8d\xe2\x80\x8f\x01\x02 :) :( wkwkwk enak-enak' > "$OUT/corpus/seed3"
"$OUT/normalizer_fuzz" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 "$OUT/corpus"
