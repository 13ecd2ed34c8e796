// DetectLanguage: counts of Indonesian and English marker words.
#include "nlp/langid.h"

#include <string>
#include <unordered_set>

#include "nlp/normalizer.h"

namespace humas::nlp {
namespace {

// Words frequent in Indonesian (standard and colloquial social-media writing) and rare in English.
const std::unordered_set<std::string_view>& IndonesianWords() {
  static const std::unordered_set<std::string_view> kWords = {
      "yang",       "dan",     "di",        "ke",      "dari",      "ini",       "itu",
      "tidak",      "tdk",     "ga",        "gak",     "nggak",     "enggak",    "ngga",
      "sudah",      "udah",    "sdh",       "belum",   "blm",       "ada",       "untuk",
      "utk",        "buat",    "dengan",    "dgn",     "sama",      "pada",      "akan",
      "bisa",       "karena",  "krn",       "juga",    "jg",        "saya",      "aku",
      "gue",        "gw",      "kami",      "kita",    "kamu",      "anda",      "mereka",
      "dia",        "apa",     "kenapa",    "mengapa", "bagaimana", "gimana",    "kapan",
      "mana",       "siapa",   "tolong",    "mohon",   "terima",    "kasih",     "makasih",
      "pak",        "bu",      "bapak",     "ibu",     "warga",     "sangat",    "banget",
      "bgt",        "sekali",  "lagi",      "masih",   "kok",       "dong",      "sih",
      "deh",        "nya",     "atau",      "tapi",    "tetapi",    "kalau",     "kalo",
      "jika",       "oleh",    "dalam",     "bagi",    "hari",      "baru",      "banyak",
      "semua",      "lebih",   "harus",     "segera",  "mau",       "ingin",     "hanya",
      "cuma",       "bukan",   "jangan",    "sangat",  "jalan",     "rusak",     "sudah",
      "adalah",     "telah",   "agar",      "supaya",  "kah",       "pun",       "lah",
      "yg",         "dr",      "tp",        "aja",     "saja",      "begitu",    "gitu",
      "kayak",      "seperti", "kurang",    "terus",   "setiap",    "tiap",      "orang",
      "pemerintah", "dinas",   "kabupaten", "kota",    "desa",      "kecamatan", "masyarakat",
      "pelayanan",  "kami",    "mas",       "mbak",    "min",       "kak",       "bang",
      "dapat",      "sering"};
  return kWords;
}

// Words frequent in English and rare in Indonesian.
const std::unordered_set<std::string_view>& EnglishWords() {
  static const std::unordered_set<std::string_view> kWords = {
      "the",    "and",    "of",         "to",     "in",    "is",     "are",   "was",     "were",
      "be",     "been",   "being",      "this",   "that",  "these",  "those", "it",      "its",
      "for",    "on",     "with",       "as",     "at",    "by",     "from",  "not",     "no",
      "have",   "has",    "had",        "do",     "does",  "did",    "you",   "your",    "we",
      "our",    "they",   "their",      "he",     "she",   "his",    "her",   "i",       "my",
      "me",     "what",   "why",        "how",    "when",  "where",  "who",   "which",   "will",
      "would",  "can",    "could",      "should", "there", "here",   "about", "please",  "thank",
      "thanks", "very",   "just",       "but",    "or",    "if",     "so",    "an",      "all",
      "more",   "people", "government", "road",   "today", "now",    "new",   "good",    "bad",
      "than",   "then",   "them",       "some",   "any",   "only",   "also",  "after",   "before",
      "out",    "up",     "get",        "got",    "like",  "really", "still", "because", "while",
      "into",   "over"};
  return kWords;
}

}  // namespace

std::string_view LanguageCode(Language language) {
  switch (language) {
    case Language::kIndonesian:
      return "id";
    case Language::kEnglish:
      return "en";
    case Language::kOther:
      return "other";
  }
  return "other";
}

Language DetectLanguageOfWords(const std::vector<std::string_view>& words) {
  int id = 0;
  int en = 0;
  const auto& id_words = IndonesianWords();
  const auto& en_words = EnglishWords();
  for (std::string_view w : words) {
    if (id_words.count(w)) ++id;
    if (en_words.count(w)) ++en;
  }
  if (id > 2 * en) return Language::kIndonesian;
  if (en > 2 * id) return Language::kEnglish;
  return Language::kOther;
}

Language DetectLanguage(std::string_view text) {
  std::vector<Token> tokens = Tokenize(NfkcCaseFold(SanitizeUtf8(text)));
  std::vector<std::string_view> words;
  words.reserve(tokens.size());
  for (const Token& t : tokens)
    if (t.kind == TokenKind::kWord) words.push_back(t.text);
  return DetectLanguageOfWords(words);
}

}  // namespace humas::nlp
