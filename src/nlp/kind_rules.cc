// Cue-word rules for the kind of public input (see kind_rules.h).
#include "nlp/kind_rules.h"

#include <string>
#include <unordered_map>

namespace humas::nlp {
namespace {

// Single standardised words and their family. Written by the project from the public-service
// vocabulary of Indonesian agencies' social-media accounts.
const std::unordered_map<std::string_view, KindCue>& CueWords() {
  using K = KindCue;
  static const std::unordered_map<std::string_view, KindCue> kMap = {
      // questions
      {"?", K::kQuestion},
      {"apa", K::kQuestion},
      {"apakah", K::kQuestion},
      {"bagaimana", K::kQuestion},
      {"berapa", K::kQuestion},
      {"kapan", K::kQuestion},
      {"kenapa", K::kQuestion},
      {"mengapa", K::kQuestion},
      {"dimana", K::kQuestion},
      {"kemana", K::kQuestion},
      {"siapa", K::kQuestion},
      {"bisakah", K::kQuestion},
      {"bolehkah", K::kQuestion},
      {"tanya", K::kQuestion},
      {"bertanya", K::kQuestion},
      {"nanya", K::kQuestion},
      {"info", K::kQuestion},
      {"informasi", K::kQuestion},
      {"syarat", K::kQuestion},
      {"prosedur", K::kQuestion},
      {"caranya", K::kQuestion},
      // complaints: something is broken, missing or slow, now
      {"rusak", K::kComplaint},
      {"mati", K::kComplaint},
      {"padam", K::kComplaint},
      {"macet", K::kComplaint},
      {"banjir", K::kComplaint},
      {"lambat", K::kComplaint},
      {"antre", K::kComplaint},
      {"menunggu", K::kComplaint},
      {"belum", K::kComplaint},
      {"sampah", K::kComplaint},
      {"bau", K::kComplaint},
      {"bocor", K::kComplaint},
      {"berlubang", K::kComplaint},
      {"keruh", K::kComplaint},
      {"error", K::kComplaint},
      {"pungli", K::kComplaint},
      {"pungutan", K::kComplaint},
      {"kasar", K::kComplaint},
      {"lapor", K::kComplaint},
      {"laporan", K::kComplaint},
      {"keluhan", K::kComplaint},
      {"mengeluh", K::kComplaint},
      {"tolong", K::kComplaint},
      {"segera", K::kComplaint},
      {"resah", K::kComplaint},
      {"langka", K::kComplaint},
      {"hilang", K::kComplaint},
      {"mengganggu", K::kComplaint},
      {"ditangani", K::kComplaint},
      {"tanggapan", K::kComplaint},
      // criticism: judging the agency, its policy or its people
      {"seharusnya", K::kCriticism},
      {"harusnya", K::kCriticism},
      {"mestinya", K::kCriticism},
      {"becus", K::kCriticism},
      {"kinerja", K::kCriticism},
      {"gagal", K::kCriticism},
      {"percuma", K::kCriticism},
      {"pencitraan", K::kCriticism},
      {"korupsi", K::kCriticism},
      {"nepotisme", K::kCriticism},
      {"pemborosan", K::kCriticism},
      {"janji", K::kCriticism},
      {"keliru", K::kCriticism},
      {"adil", K::kCriticism},
      {"transparan", K::kCriticism},
      {"kebijakan", K::kCriticism},
      {"anggaran", K::kCriticism},
      {"prioritas", K::kCriticism},
      {"prioritasnya", K::kCriticism},
      {"lemah", K::kCriticism},
      {"berbelit", K::kCriticism},
      {"asal-asalan", K::kCriticism},
      {"dilupakan", K::kCriticism},
      {"merugikan", K::kCriticism},
      // suggestions
      {"sebaiknya", K::kSuggestion},
      {"saran", K::kSuggestion},
      {"usul", K::kSuggestion},
      {"usulan", K::kSuggestion},
      {"usulkan", K::kSuggestion},
      {"alangkah", K::kSuggestion},
      {"dipertimbangkan", K::kSuggestion},
      {"perlu", K::kSuggestion},
      {"ditambah", K::kSuggestion},
      {"diperbanyak", K::kSuggestion},
      {"supaya", K::kSuggestion},
      {"agar", K::kSuggestion},
      {"biar", K::kSuggestion},
      {"mungkin", K::kSuggestion},
      {"baiknya", K::kSuggestion},
      // appreciation
      {"terima", K::kAppreciation},
      {"makasih", K::kAppreciation},
      {"mantap", K::kAppreciation},
      {"hebat", K::kAppreciation},
      {"keren", K::kAppreciation},
      {"salut", K::kAppreciation},
      {"apresiasi", K::kAppreciation},
      {"bangga", K::kAppreciation},
      {"sukses", K::kAppreciation},
      {"luar", K::kAppreciation},
      {"alhamdulillah", K::kAppreciation},
      {"semangat", K::kAppreciation},
      {"sigap", K::kAppreciation},
      {"<emo_pos>", K::kAppreciation},
      {"membantu", K::kAppreciation},
      {"cepat", K::kAppreciation},
      {"ramah", K::kAppreciation},
  };
  return kMap;
}

// The two-word suggestion cues, added to *counts.
void CountCuePairs(const std::vector<Token>& tokens, std::array<int, kKindCues>* counts) {
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    const auto& a = tokens[i].surface;
    const auto& b = tokens[i + 1].surface;
    if ((a == "lebih" && b == "baik") || (a == "ada" && b == "baiknya") ||
        (a == "bagaimana" && b == "kalau")) {
      ++(*counts)[static_cast<int>(KindCue::kSuggestion)];
    }
  }
}

// The one-word cue counts from each token's KindCueOf.
std::array<int, kKindCues> CountCueWords(const std::vector<Token>& tokens,
                                         const std::vector<std::int8_t>& cue) {
  std::array<int, kKindCues> counts{};
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (cue[i] < 0) continue;
    if (cue[i] == static_cast<int>(KindCue::kAppreciation) && tokens[i].negated) continue;
    ++counts[cue[i]];
  }
  return counts;
}

}  // namespace

std::array<int, kKindCues> KindCueCounts(const std::vector<Token>& tokens) {
  std::array<int, kKindCues> counts{};
  const auto& cues = CueWords();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    auto it = cues.find(t.surface);
    if (it == cues.end()) continue;
    if (it->second == KindCue::kAppreciation && t.negated) continue;  // "tidak cepat"
    // "lebih baik", "ada baiknya" are suggestions; "cepat" after "tidak" was handled above
    ++counts[static_cast<int>(it->second)];
  }
  CountCuePairs(tokens, &counts);
  return counts;
}

int KindCueOf(std::string_view surface) {
  const auto& cues = CueWords();
  const auto it = cues.find(surface);
  return it == cues.end() ? -1 : static_cast<int>(it->second);
}

std::array<int, kKindCues> KindCueCountsOf(const std::vector<Token>& tokens,
                                           const std::vector<std::int8_t>& cue) {
  std::array<int, kKindCues> counts = CountCueWords(tokens, cue);
  CountCuePairs(tokens, &counts);
  return counts;
}

int KindPairCodeOf(std::string_view w) {
  if (w == "lebih") return 1;
  if (w == "baik") return 1 << 4;
  if (w == "ada") return 2;
  if (w == "baiknya") return 2 << 4;
  if (w == "bagaimana") return 3;
  if (w == "kalau") return 3 << 4;
  return 0;
}

std::array<int, kKindCues> KindCueCountsOfCodes(const std::vector<Token>& tokens,
                                                const std::vector<std::int8_t>& cue,
                                                const std::vector<std::uint8_t>& pair) {
  std::array<int, kKindCues> counts = CountCueWords(tokens, cue);
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    const int first = pair[i] & 15;
    if (first != 0 && first == pair[i + 1] >> 4) ++counts[static_cast<int>(KindCue::kSuggestion)];
  }
  return counts;
}

int KindByRules(const std::vector<Token>& tokens) {
  const auto c = KindCueCounts(tokens);
  // label indices of TaskLabels("kind"): pertanyaan 0, keluhan 1, kritik 2, saran 3,
  // apresiasi 4, lainnya 5; tie order: question, suggestion, criticism, complaint, appreciation
  constexpr std::array<int, kKindCues> kOrder = {0, 3, 2, 1, 4};
  int best = -1;
  for (int cue : kOrder) {
    if (c[cue] > 0 && (best < 0 || c[cue] > c[best])) best = cue;
  }
  return best < 0 ? 5 : best;
}

}  // namespace humas::nlp
