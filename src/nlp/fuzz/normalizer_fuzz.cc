// libFuzzer target: the normaliser, tokeniser, feature extractor and personal-data detector must
// accept any bytes without crashing, and keep their invariants (valid UTF-8 out, bounded size).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nlp/features.h"
#include "nlp/normalizer.h"
#include "nlp/pii.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace humas::nlp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string clean = SanitizeUtf8(text, 4096);
  if (clean.size() > 4096 || SanitizeUtf8(clean) != clean) std::abort();  // idempotent, valid
  NormalizeOptions o;
  o.max_input_bytes = 4096;
  static const Normalizer kNormalizer(o);
  const auto tokens = kNormalizer.Normalize(text);
  const auto steps = kNormalizer.Explain(text);
  std::string joined;
  for (const auto& t : tokens) joined += (joined.empty() ? "" : " ") + t.text;
  if (steps.empty() || steps.back().output != joined) std::abort();  // fast path == explain
  const auto reference = kNormalizer.NormalizeStepByStep(text);      // every field, not only text
  if (reference.size() != tokens.size()) std::abort();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token &a = tokens[i], &b = reference[i];
    if (a.text != b.text || a.surface != b.surface || a.kind != b.kind || a.negated != b.negated ||
        a.elongated != b.elongated)
      std::abort();
  }
  FeatureVector x;
  // the sentiment model's feature set: polarity lexicon (with stems) and clause features too
  FeatureOptions options;
  options.polarity = 2;
  options.clauses = 3;
  options.length_buckets = true;
  ExtractFeatures(tokens, options, &x);
  FeatureVector direct;  // the memoised extraction == the direct computation
  ExtractFeaturesDirect(tokens, options, &direct);
  if (direct.index != x.index || direct.split != x.split || direct.value != x.value) std::abort();
  for (auto i : x.index) {
    if (i >= (1u << options.hash_bits)) std::abort();
  }
  const std::string redacted = RedactPersonalData(text);
  for (const auto& m : FindPersonalData(text)) {
    if (m.begin >= m.end || m.end > text.size()) std::abort();
  }
  (void)redacted;
  return 0;
}
