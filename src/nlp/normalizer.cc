// Indonesian text normalisation pipeline (see normalizer.h for the steps and their contracts).
#include "nlp/normalizer.h"

#include <libstemmer.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "nlp/word_cache.h"

namespace humas::nlp {
namespace {

constexpr std::int32_t kReplacement = 0xFFFD;

void AppendUtf8(std::string& out, std::int32_t cp) {
  std::uint8_t buf[4];
  const auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

bool IsControl(std::int32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0); }

bool IsWordCategory(std::int32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z');
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

bool IsLetter(std::int32_t cp) {
  const auto c = utf8proc_category(cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

bool IsSpace(std::int32_t cp) {
  if (cp == ' ') return true;
  const auto c = utf8proc_category(cp);
  return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

// Calls chunk(view) for each maximal run of non-space code points of folded text (the units that
// TokenizeChunk takes).
template <typename Chunk>
void ForEachChunk(std::string_view folded, Chunk&& chunk) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(folded.data());
  const auto n = static_cast<utf8proc_ssize_t>(folded.size());
  utf8proc_ssize_t i = 0, start = -1;
  while (i < n) {
    std::int32_t cp = p[i];
    utf8proc_ssize_t len = 1;
    if (cp >= 0x80) {
      len = utf8proc_iterate(p + i, n - i, &cp);
      if (len <= 0) len = 1, cp = kReplacement;
    }
    if (cp < 0x80 ? cp == ' ' : IsSpace(cp)) {
      if (start >= 0) chunk(folded.substr(start, i - start));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
    i += len;
  }
  if (start >= 0) chunk(folded.substr(start));
}

// Emoji that carry sentiment in Indonesian social media. Anything else in the emoji blocks
// becomes the neutral <emoji>.
const std::unordered_set<std::int32_t>& PositiveEmoji() {
  static const std::unordered_set<std::int32_t> kSet = {
      0x1F600, 0x1F601, 0x1F603, 0x1F604, 0x1F606, 0x1F607, 0x1F609, 0x1F60A, 0x1F60B, 0x1F60C,
      0x1F60D, 0x1F60E, 0x1F618, 0x1F617, 0x1F619, 0x1F61A, 0x1F642, 0x1F643, 0x1F917, 0x1F929,
      0x1F970, 0x1F973, 0x1F44D, 0x1F44F, 0x1F44C, 0x1F4AA, 0x1F64C, 0x2764,  0x1F495, 0x1F496,
      0x1F497, 0x1F498, 0x1F499, 0x1F49A, 0x1F49B, 0x1F49C, 0x1F49D, 0x1F49E, 0x1F49F, 0x1F9E1,
      0x1F90D, 0x1F90E, 0x1F5A4, 0x2665,  0x1F4AF, 0x1F525, 0x2728,  0x1F389, 0x1F38A, 0x1F3C6,
      0x1F947, 0x2B50,  0x1F31F, 0x1F60F, 0x263A,  0x1F638, 0x1F63A, 0x1F63B, 0x1F44A, 0x1F91D,
      0x270C,  0x1F919, 0x1F44B, 0x1F339, 0x1F33A, 0x1F338, 0x1F490, 0x2705,  0x1F600};
  return kSet;
}
const std::unordered_set<std::int32_t>& NegativeEmoji() {
  static const std::unordered_set<std::int32_t> kSet = {
      0x1F61E, 0x1F61F, 0x1F620, 0x1F621, 0x1F622, 0x1F623, 0x1F624, 0x1F625, 0x1F626, 0x1F627,
      0x1F628, 0x1F629, 0x1F62B, 0x1F62D, 0x1F630, 0x1F631, 0x1F616, 0x1F612, 0x1F614, 0x1F615,
      0x1F641, 0x2639,  0x1F92C, 0x1F922, 0x1F92E, 0x1F644, 0x1F611, 0x1F610, 0x1F636, 0x1F44E,
      0x1F494, 0x1F62A, 0x1F613, 0x1F625, 0x1F97A, 0x1F63E, 0x1F63F, 0x1F480, 0x1F4A9, 0x1F595,
      0x1F912, 0x1F915, 0x1F974, 0x1F971, 0x1F62C, 0x1F928, 0x1F9D0, 0x274C,  0x26A0,  0x1F6AB};
  return kSet;
}
const std::unordered_set<std::int32_t>& LaughEmoji() {
  static const std::unordered_set<std::int32_t> kSet = {0x1F602, 0x1F923, 0x1F605,
                                                        0x1F606, 0x1F639, 0x1F92D};
  return kSet;
}

bool IsEmojiBlock(std::int32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
         (cp >= 0x2B00 && cp <= 0x2BFF) || (cp >= 0x2300 && cp <= 0x23FF);
}

std::string EmojiToken(std::int32_t cp) {
  if (LaughEmoji().count(cp)) return "<emo_laugh>";
  if (PositiveEmoji().count(cp)) return "<emo_pos>";
  if (NegativeEmoji().count(cp)) return "<emo_neg>";
  return "<emoji>";
}

// Emoticons after case folding, longest first so ":-)" wins over ":-".
struct Emoticon {
  std::string_view text;
  std::string_view token;
};
constexpr std::array<Emoticon, 26> kEmoticons = {{
    {":'-(", "<emo_neg>"},  {":'(", "<emo_neg>"},  {":-)", "<emo_pos>"},  {":-(", "<emo_neg>"},
    {":-d", "<emo_laugh>"}, {";-)", "<emo_pos>"},  {":-p", "<emo_pos>"},  {":-/", "<emo_neg>"},
    {"^_^", "<emo_pos>"},   {"-_-", "<emo_neg>"},  {"t_t", "<emo_neg>"},  {":)", "<emo_pos>"},
    {":(", "<emo_neg>"},    {":d", "<emo_laugh>"}, {";)", "<emo_pos>"},   {":p", "<emo_pos>"},
    {"=)", "<emo_pos>"},    {"=(", "<emo_neg>"},   {":v", "<emo_laugh>"}, {":/", "<emo_neg>"},
    {"<3", "<emo_pos>"},    {":*", "<emo_pos>"},   {"xd", "<emo_laugh>"}, {":]", "<emo_pos>"},
    {":[", "<emo_neg>"},    {"^^", "<emo_pos>"},
}};

const std::unordered_set<std::string_view>& UrlTlds() {
  static const std::unordered_set<std::string_view> kSet = {
      "com", "id", "net", "org", "ly", "co", "io", "me", "info", "gov", "edu", "tv", "gl", "us"};
  return kSet;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool LooksLikeUrl(std::string_view chunk) {
  if (StartsWith(chunk, "http://") || StartsWith(chunk, "https://") || StartsWith(chunk, "www."))
    return true;
  // bare domains: name.tld or name.tld/path, ASCII only
  const auto slash = chunk.find('/');
  const std::string_view host = chunk.substr(0, slash);
  const auto dot = host.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= host.size()) return false;
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) return false;
  }
  return UrlTlds().count(host.substr(dot + 1)) > 0;
}

bool LooksLikeEmail(std::string_view chunk) {
  const auto at = chunk.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  const auto dot = chunk.find('.', at);
  return dot != std::string_view::npos && dot > at + 1 && dot + 1 < chunk.size();
}

// Strips trailing sentence punctuation from a chunk (for "lihat https://x.id/a." ).
std::string_view TrimTrailingPunct(std::string_view s, std::string_view* tail) {
  std::size_t end = s.size();
  while (end > 0 && std::string_view(".,!?;:)\"'").find(s[end - 1]) != std::string_view::npos) {
    --end;
  }
  *tail = s.substr(end);
  return s.substr(0, end);
}

bool IsLaughWord(std::string_view w) {
  if (w.size() < 4) return false;
  // wkwk, wkwkwk, kwkw, wkkwk...: only w/k with both present
  if (w.find_first_not_of("wk") == std::string_view::npos &&
      w.find('w') != std::string_view::npos && w.find('k') != std::string_view::npos)
    return true;
  // haha, hahaha, hehe, hihi, xixi: a 2-letter unit repeated (allow one stray trailing letter)
  for (std::string_view unit : {"ha", "he", "hi", "hu", "xi", "ak", "ah"}) {
    std::size_t i = 0;
    while (i + 2 <= w.size() && w.substr(i, 2) == unit) i += 2;
    if (i >= 4 && w.size() - i <= 1) return true;
  }
  return false;
}

// Negators; "kurang" (not enough) negates the quality that follows in reviews ("kurang enak").
const std::unordered_set<std::string_view>& Negators() {
  static const std::unordered_set<std::string_view> kSet = {"tidak", "bukan", "belum",  "jangan",
                                                            "tak",   "tiada", "kurang", "enggan"};
  return kSet;
}
const std::unordered_set<std::string_view>& ScopeBreakers() {
  static const std::unordered_set<std::string_view> kSet = {
      "tapi",      "tetapi", "namun",    "melainkan", "padahal",
      "sedangkan", "karena", "walaupun", "meskipun",  "sehingga"};
  return kSet;
}

// Words Snowball's Indonesian stemmer damages and that matter for the classifiers. The stemmer
// strips ke-/ter-/ber-/pe- even when they belong to the root (kecewa -> cewa, berita -> ita).
const std::unordered_map<std::string_view, std::string_view>& StemGuard() {
  static const std::unordered_map<std::string_view, std::string_view> kMap = {
      {"keluh", "keluh"},
      {"keluhan", "keluh"},
      {"mengeluh", "keluh"},
      {"mengeluhkan", "keluh"},
      {"dikeluhkan", "keluh"},
      {"keluhkan", "keluh"},
      {"kecewa", "kecewa"},
      {"mengecewakan", "kecewa"},
      {"dikecewakan", "kecewa"},
      {"kekecewaan", "kecewa"},
      {"kecewanya", "kecewa"},
      {"terima", "terima"},
      {"diterima", "terima"},
      {"menerima", "terima"},
      {"penerimaan", "terima"},
      {"berita", "berita"},
      {"pemberitaan", "berita"},
      {"bertanya", "tanya"},
      {"pertanyaan", "tanya"},
      {"ditanyakan", "tanya"},
      {"menanyakan", "tanya"},
      {"kritikan", "kritik"},
      {"mengkritik", "kritik"},
      {"dikritik", "kritik"},
      {"kemarin", "kemarin"},
      {"kenapa", "kenapa"},
      {"perempuan", "perempuan"},
      {"peduli", "peduli"},
      {"kepedulian", "peduli"},
      {"sekolah", "sekolah"},
      {"sesuai", "sesuai"},
      {"keluarga", "keluarga"},
      {"pesanan", "pesan"},
      {"memesan", "pesan"},
      {"dipesan", "pesan"},
      {"penipuan", "tipu"},
      {"menipu", "tipu"},
      {"ditipu", "tipu"},
      {"penipu", "tipu"},
      {"memohon", "mohon"},
      {"permohonan", "mohon"},
      {"perintah", "perintah"},
      {"pemerintah", "pemerintah"},
      {"pemerintahan", "pemerintah"},
      {"terlambat", "terlambat"},
      {"ternyata", "ternyata"},
      {"terbaik", "terbaik"},
      {"terburuk", "terburuk"},
      {"terlalu", "terlalu"},
      {"kemana", "kemana"},
      {"kepada", "kepada"},
      {"pelayanan", "layan"},
      {"perbaikan", "perbaikan"},
      {"perhatian", "perhatian"},
      {"pengaduan", "adu"},
      {"kenyang", "kenyang"},
      {"kemacetan", "macet"},
      {"keren", "keren"},
      {"kesal", "kesal"},
      {"kesel", "kesal"},
      {"ketinggalan", "tinggal"},
      {"kelamaan", "lama"},
      {"kemahalan", "mahal"},
      {"kebersihan", "bersih"},
      {"keamanan", "aman"},
      {"kenyamanan", "nyaman"},
      {"keramahan", "ramah"},
      {"kecil", "kecil"},
      {"keras", "keras"},
      {"kejam", "kejam"},
      {"kebanjiran", "banjir"},
      {"pelanggan", "pelanggan"},
      {"pelayan", "pelayan"},
      {"pedas", "pedas"},
      {"penting", "penting"},
      {"percaya", "percaya"},
      {"dipercaya", "percaya"},
      {"kepercayaan", "percaya"},
      {"berharap", "harap"},
      {"harapan", "harap"},
      {"tersedia", "sedia"},
      {"bersama", "sama"},
      {"sedih", "sedih"},
      {"menyesal", "sesal"},
      {"penyesalan", "sesal"},
      {"mengecewakannya", "kecewa"},
      {"terimakasih", "terimakasih"},
      // question words and common forms the stemmer cuts into other words
      {"berapa", "berapa"},
      {"beberapa", "beberapa"},
      {"mengapa", "mengapa"},
      {"setelah", "setelah"},
      {"menunggu", "tunggu"},
      {"ditunggu", "tunggu"},
      {"pertama", "pertama"},
      {"sekali", "sekali"},
      {"sekalian", "sekali"},
      {"sendiri", "sendiri"},
      {"sepertinya", "seperti"},
      {"sebenarnya", "benar"},
      {"seharusnya", "harus"},
      {"terakhir", "akhir"},
  };
  return kMap;
}

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

// libstemmer objects are not thread-safe: one per thread.
sb_stemmer* ThreadStemmer() {
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(
      sb_stemmer_new("indonesian", "UTF_8"));
  return stemmer.get();
}

std::string Join(const std::vector<Token>& tokens, bool surface) {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out.push_back(' ');
    out += surface ? t.surface : t.text;
  }
  return out;
}

Token MakeToken(std::string text, TokenKind kind) {
  Token t;
  t.surface = text;
  t.text = std::move(text);
  t.kind = kind;
  return t;
}

// Splits "enak-enak" / "enak2" reduplication to the base word; "sayur-mayur" to its parts.
void AppendWordToken(std::vector<Token>& out, std::string word) {
  const auto hyphen = word.find('-');
  if (hyphen != std::string::npos) {
    std::string_view w(word);
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= w.size()) {
      const auto pos = w.find('-', start);
      const auto part = w.substr(start, pos == std::string_view::npos ? w.npos : pos - start);
      if (!part.empty()) parts.push_back(part);
      if (pos == std::string_view::npos) break;
      start = pos + 1;
    }
    if (parts.empty()) return;
    if (parts.size() == 2 && (parts[0] == parts[1] ||
                              // "sebaik-baiknya", "anak-anaknya": second half extends the first
                              StartsWith(parts[1], parts[0]))) {
      out.push_back(MakeToken(std::string(parts[0]), TokenKind::kWord));
      return;
    }
    for (auto p : parts) AppendWordToken(out, std::string(p));
    return;
  }
  if (word.size() >= 4 && word.back() == '2' && IsLetter(static_cast<unsigned char>(word[0]))) {
    const auto base = word.substr(0, word.size() - 1);
    if (std::none_of(base.begin(), base.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      out.push_back(MakeToken(base, TokenKind::kWord));
      return;
    }
  }
  const bool all_digits = std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == ',';
  });
  if (all_digits) {
    out.push_back(MakeToken("<num>", TokenKind::kNumber));
  } else if (IsLaughWord(word)) {
    out.push_back(MakeToken("<laugh>", TokenKind::kLaugh));
  } else {
    out.push_back(MakeToken(std::move(word), TokenKind::kWord));
  }
}

// Tokenises one whitespace-free chunk of folded text.
void TokenizeChunk(std::string_view chunk, std::vector<Token>& out) {
  std::string_view tail;
  const std::string_view core = TrimTrailingPunct(chunk, &tail);
  if (!core.empty()) {
    if (LooksLikeUrl(core)) {
      out.push_back(MakeToken("<url>", TokenKind::kUrl));
      TokenizeChunk(tail, out);
      return;
    }
    if (core[0] != '@' && LooksLikeEmail(core)) {
      out.push_back(MakeToken("<email>", TokenKind::kEmail));
      TokenizeChunk(tail, out);
      return;
    }
  }
  const auto* p = reinterpret_cast<const std::uint8_t*>(chunk.data());
  const auto n = static_cast<utf8proc_ssize_t>(chunk.size());
  utf8proc_ssize_t i = 0;
  std::string word;
  TokenKind word_kind = TokenKind::kWord;
  auto flush = [&] {
    if (word.empty()) return;
    if (word_kind == TokenKind::kUser) {
      out.push_back(MakeToken("<user>", TokenKind::kUser));
    } else if (word_kind == TokenKind::kHashtag) {
      AppendWordToken(out, word);
      out.back().kind = TokenKind::kHashtag;
    } else {
      AppendWordToken(out, word);
    }
    word.clear();
    word_kind = TokenKind::kWord;
  };
  std::string last_punct;
  while (i < n) {
    std::int32_t cp = p[i];
    const auto len = cp < 0x80 ? 1 : utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {  // cannot happen after SanitizeUtf8; stay defined anyway
      ++i;
      continue;
    }
    if (IsWordCategory(cp) && cp != kReplacement) {
      AppendUtf8(word, cp);
      last_punct.clear();
      i += len;
      continue;
    }
    // hyphen or apostrophe inside a word joins it ("enak-enak", "jum'at")
    if ((cp == '-' || cp == '\'') && !word.empty() && i + len < n) {
      std::int32_t next = 0;
      utf8proc_iterate(p + i + len, n - i - len, &next);
      if (IsWordCategory(next)) {
        if (cp == '-') word.push_back('-');
        i += len;
        continue;
      }
    }
    // @mention / #hashtag start
    if ((cp == '@' || cp == '#') && word.empty() && i + len < n) {
      std::int32_t next = 0;
      utf8proc_iterate(p + i + len, n - i - len, &next);
      if (IsWordCategory(next) || next == '_') {
        word_kind = cp == '@' ? TokenKind::kUser : TokenKind::kHashtag;
        i += len;
        // a user name runs to the next non-name char; keep it as one placeholder
        if (word_kind == TokenKind::kUser) {
          while (i < n) {
            std::int32_t c2 = 0;
            const auto l2 = utf8proc_iterate(p + i, n - i, &c2);
            if (l2 <= 0 || !(IsWordCategory(c2) || c2 == '_' || c2 == '.')) break;
            word.push_back('x');
            i += l2;
          }
          flush();
        }
        continue;
      }
    }
    if (cp == '_' && word_kind == TokenKind::kHashtag) {  // #banjir_berau
      flush();
      word_kind = TokenKind::kHashtag;
      i += len;
      continue;
    }
    flush();
    // emoticons (ASCII) before generic punctuation
    bool matched = false;
    if (cp < 0x80) {
      const std::string_view rest = chunk.substr(static_cast<std::size_t>(i));
      for (const auto& e : kEmoticons) {
        if (StartsWith(rest, e.text)) {
          // "xd" only as a whole chunk, so words like "xdd" are not eaten
          if (e.text == "xd" && rest.size() != 2) continue;
          if (out.empty() || out.back().text != e.token || !last_punct.empty()) {
            out.push_back(MakeToken(std::string(e.token), TokenKind::kEmoji));
          }
          i += static_cast<utf8proc_ssize_t>(e.text.size());
          matched = true;
          break;
        }
      }
    }
    if (matched) continue;
    if (cp >= 0x1F3FB && cp <= 0x1F3FF) {  // skin-tone modifiers belong to the emoji before
      i += len;
      continue;
    }
    if (IsEmojiBlock(cp)) {
      auto tok = EmojiToken(cp);
      if (out.empty() || out.back().text != tok) out.push_back(MakeToken(tok, TokenKind::kEmoji));
    } else if (cp == '.' || cp == ',' || cp == '!' || cp == '?') {
      std::string s(1, static_cast<char>(cp));
      if (last_punct != s) out.push_back(MakeToken(s, TokenKind::kPunct));
      last_punct = s;
      i += len;
      continue;
    }
    // anything else (quotes, brackets, symbols, modifiers, U+FFFD) separates tokens
    last_punct.clear();
    i += len;
  }
  flush();
}

}  // namespace

std::string SanitizeUtf8(std::string_view text, std::size_t max_bytes) {
  // Fast path: printable ASCII needs no decoding.
  if (text.size() <= max_bytes &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) {
    return std::string(text);
  }
  std::string out;
  out.reserve(std::min(text.size(), max_bytes == std::string::npos ? text.size() : max_bytes));
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto n = static_cast<utf8proc_ssize_t>(text.size());
  utf8proc_ssize_t i = 0;
  while (i < n) {
    std::int32_t cp = 0;
    auto len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {
      cp = kReplacement;
      len = 1;
    }
    if (IsControl(cp)) cp = ' ';
    const std::size_t before = out.size();
    AppendUtf8(out, cp);
    if (out.size() > max_bytes) {
      out.resize(before);
      break;
    }
    i += len;
  }
  return out;
}

std::string NfkcCaseFold(std::string_view text) {
  if (text.empty()) return {};
  // Fast path: for ASCII, NFKC is the identity and case folding is lower-casing.
  if (std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; })) {
    std::string out(text);
    for (auto& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    }
    return out;
  }
  std::uint8_t* dst = nullptr;
  const auto opts = static_cast<utf8proc_option_t>(
      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
  const auto len = utf8proc_map(reinterpret_cast<const std::uint8_t*>(text.data()),
                                static_cast<utf8proc_ssize_t>(text.size()), &dst, opts);
  if (len < 0) {  // only on invalid input or out of memory: fall back to the input unchanged
    std::free(dst);
    return std::string(text);
  }
  std::string out(reinterpret_cast<const char*>(dst), static_cast<std::size_t>(len));
  std::free(dst);
  return out;
}

namespace {

// SanitizeAndFold of one ASCII byte: controls become a space, A-Z lower case.
constexpr std::array<char, 128> kAsciiFold = [] {
  std::array<char, 128> t{};
  for (int c = 0; c < 128; ++c) {
    t[c] = c < 0x20 || c == 0x7f    ? ' '
           : (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A'))
                                    : static_cast<char>(c);
  }
  return t;
}();

}  // namespace

void SanitizeAndFold(std::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  // Written through a pointer: *out always has room for the rest of the text's ASCII bytes.
  out->resize(n);
  char* d = out->data();
  std::size_t w = 0, i = 0;
  while (i < n) {
    std::size_t j = i;
    while (j < n && p[j] < 0x80) ++j;
    // the ASCII byte just before a non-ASCII run goes with the run (a mark may compose with it)
    const std::size_t ascii_end = (j < n && j > i) ? j - 1 : j;
    for (; i < ascii_end; ++i) d[w++] = kAsciiFold[p[i]];
    if (i >= n) break;
    std::size_t end = i + 1;
    while (end < n && p[end] >= 0x80) ++end;
    // The same runs recur (emoji, accented words): one memo per thread, bounded.
    thread_local WordCache<std::string> runs(1 << 14);
    const std::string_view run = text.substr(i, end - i);
    const std::string& f = runs.Get(run, [&] { return NfkcCaseFold(SanitizeUtf8(run)); });
    if (w + f.size() + (n - end) > out->size()) {
      out->resize(w + f.size() + (n - end));
      d = out->data();
    }
    std::memcpy(d + w, f.data(), f.size());
    w += f.size();
    i = end;
  }
  out->resize(w);
}

std::vector<Token> Tokenize(std::string_view folded) {
  std::vector<Token> out;
  ForEachChunk(folded, [&](std::string_view chunk) { TokenizeChunk(chunk, out); });
  return out;
}

std::string SqueezeRepeats(std::string_view word, bool* changed) {
  std::string out;
  out.reserve(word.size());
  bool did = false;
  std::size_t i = 0;
  while (i < word.size()) {
    std::size_t j = i + 1;
    const char c = word[i];
    while (j < word.size() && word[j] == c) ++j;
    const std::size_t run = j - i;
    const bool letter = (c >= 'a' && c <= 'z');
    if (letter && run >= 3) {
      out.push_back(c);
      did = true;
    } else {
      out.append(word.substr(i, run));
    }
    i = j;
  }
  if (changed) *changed = did;
  return out;
}

std::string StemWord(std::string_view word) {
  const auto& guard = StemGuard();
  if (auto it = guard.find(word); it != guard.end()) return std::string(it->second);
  // short words and non-alphabetic tokens are left alone
  if (word.size() < 4 || word.front() == '<') return std::string(word);
  sb_stemmer* s = ThreadStemmer();
  if (s == nullptr) return std::string(word);
  const sb_symbol* r = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()),
                                       static_cast<int>(word.size()));
  if (r == nullptr) return std::string(word);
  std::string stem(reinterpret_cast<const char*>(r),
                   static_cast<std::size_t>(sb_stemmer_length(s)));
  // very short stems are usually damage (berita -> ita): keep the word
  if (stem.size() < 3) return std::string(word);
  return stem;
}

Normalizer::Normalizer(NormalizeOptions options) : options_(options) {}

std::vector<std::string> Normalizer::TokenTexts(std::string_view text) const {
  std::vector<std::string> out;
  for (auto& t : Normalize(text)) out.push_back(std::move(t.text));
  return out;
}

std::vector<ExplainStep> Normalizer::Explain(std::string_view text) const {
  std::vector<ExplainStep> steps;
  Run(text, &steps);
  return steps;
}

namespace {

// What the per-word steps (squeeze, lexicon, stem) make of one plain word, with the flags the
// negation step needs. These steps depend on the word alone, so their results are memoised.
struct WordResult {
  std::vector<Token> tokens;
  std::vector<std::uint8_t> flags;  // bit 0: negator, bit 1: scope breaker (per token)
  bool replaced = false;            // the lexicon replaced the word
};

WordResult ProcessWord(const std::string& word, const NormalizeOptions& o) {
  WordResult r;
  Token t = MakeToken(word, TokenKind::kWord);
  if (o.squeeze) {
    bool changed = false;
    t.text = SqueezeRepeats(t.text, &changed);
    if (changed) {
      t.elongated = true;
      if (IsLaughWord(t.text)) t.text = "<laugh>", t.kind = TokenKind::kLaugh;
    }
    t.surface = t.text;
  }
  const std::vector<std::string>* repl =
      (o.lexicon && t.kind == TokenKind::kWord) ? LookupColloquial(t.text) : nullptr;
  if (repl != nullptr && !repl->empty()) {
    r.replaced = true;
    for (const auto& w : *repl) {
      Token nt = MakeToken(w, w.front() == '<' ? TokenKind::kLaugh : TokenKind::kWord);
      nt.elongated = t.elongated;
      r.tokens.push_back(std::move(nt));
    }
  } else {
    r.tokens.push_back(std::move(t));
  }
  for (auto& x : r.tokens) {
    std::uint8_t f = 0;
    if (x.kind == TokenKind::kWord && Negators().count(x.text)) f |= 1;
    if (ScopeBreakers().count(x.text)) f |= 2;
    r.flags.push_back(f);
    if (o.stem && x.kind == TokenKind::kWord) x.text = StemWord(x.text);
  }
  return r;
}

const WordResult& CachedWord(const std::string& word, const NormalizeOptions& o) {
  // One cache per thread (no locking), bounded; the key carries the options that matter.
  thread_local WordCache<WordResult> cache;
  thread_local std::string key;
  key.clear();
  key.push_back(
      static_cast<char>('0' + (o.squeeze ? 1 : 0) + (o.lexicon ? 2 : 0) + (o.stem ? 4 : 0)));
  key += word;
  return cache.Get(key, [&] { return ProcessWord(word, o); });
}

// The word steps for the raw tokens of one chunk (TokenizeChunk's output), appended with their
// negation flags.
void ProcessRawTokens(std::vector<Token>& raw, const NormalizeOptions& o,
                      std::vector<Token>* tokens, std::vector<std::uint8_t>* flags) {
  for (auto& t : raw) {
    if (t.kind == TokenKind::kWord) {
      const WordResult& w = CachedWord(t.text, o);
      tokens->insert(tokens->end(), w.tokens.begin(), w.tokens.end());
      flags->insert(flags->end(), w.flags.begin(), w.flags.end());
    } else if (t.kind == TokenKind::kHashtag) {
      // rare: run the steps directly. A hashtag the lexicon replaces becomes plain words (as in
      // Explain); one it keeps stays a hashtag, which is never a negator.
      WordResult w = ProcessWord(t.text, o);
      for (std::size_t i = 0; i < w.tokens.size(); ++i) {
        if (!w.replaced) {
          if (w.tokens[i].kind == TokenKind::kWord) w.tokens[i].kind = TokenKind::kHashtag;
          w.flags[i] &= 2;
        }
        tokens->push_back(std::move(w.tokens[i]));
        flags->push_back(w.flags[i]);
      }
    } else {
      tokens->push_back(std::move(t));
      flags->push_back(0);
    }
  }
}

// Everything Normalize() does to one whitespace-free chunk of folded text before negation
// marking: tokenising, squeezing, the lexicon, stemming, the negator flags. It depends on the
// chunk alone except for one thing: TokenizeChunk drops an emoji or emoticon that repeats the
// token just before it, also across chunks (":) :)" is one <emo_pos>); `emoji_first` says the
// first token is such a one, and the caller applies that rule at the chunk boundary.
struct ChunkResult {
  std::vector<Token> tokens;
  std::vector<std::uint8_t> flags;  // bit 0: negator, bit 1: scope breaker
  bool emoji_first = false;
};

void ComputeChunk(std::string_view chunk, const NormalizeOptions& o, ChunkResult* r) {
  thread_local std::vector<Token> raw;
  raw.clear();
  TokenizeChunk(chunk, raw);
  r->tokens.clear();
  r->flags.clear();
  r->emoji_first = !raw.empty() && raw.front().kind == TokenKind::kEmoji;
  ProcessRawTokens(raw, o, &r->tokens, &r->flags);
}

// Chunks longer than this are not memoised (long URLs, unspaced runs): they rarely repeat.
constexpr std::size_t kMaxCachedChunk = 64;

// Builds the token list of a text chunk by chunk, reusing the Token objects (and their string
// buffers) already in *out.
class TokenSink {
 public:
  TokenSink(const NormalizeOptions& o, std::vector<Token>* out, std::vector<std::uint8_t>* flags)
      : o_(o), out_(out), flags_(flags) {
    flags_->clear();
  }

  void Chunk(std::string_view chunk) {
    if (chunk.size() > kMaxCachedChunk) {
      thread_local ChunkResult direct;
      ComputeChunk(chunk, o_, &direct);
      Append(direct);
      return;
    }
    // one cache per thread (no locking), bounded; the key carries the options that matter
    thread_local WordCache<ChunkResult> cache(1 << 16);
    thread_local std::string key;
    key.resize(1 + chunk.size());
    key[0] =
        static_cast<char>('0' + (o_.squeeze ? 1 : 0) + (o_.lexicon ? 2 : 0) + (o_.stem ? 4 : 0));
    std::memcpy(key.data() + 1, chunk.data(), chunk.size());
    Append(cache.Get(key, [&] {
      ChunkResult r;
      ComputeChunk(chunk, o_, &r);
      return r;
    }));
  }

  void Finish() { out_->resize(n_); }

 private:
  void Append(const ChunkResult& r) {
    std::size_t i = 0;
    if (r.emoji_first && n_ > 0 && (*out_)[n_ - 1].text == r.tokens[0].text) i = 1;
    for (; i < r.tokens.size(); ++i) {
      if (n_ < out_->size()) {
        (*out_)[n_] = r.tokens[i];  // copy-assignment keeps the strings' buffers
      } else {
        out_->push_back(r.tokens[i]);
      }
      ++n_;
      flags_->push_back(r.flags[i]);
    }
  }

  const NormalizeOptions& o_;
  std::vector<Token>* out_;
  std::vector<std::uint8_t>* flags_;
  std::size_t n_ = 0;
};

// Lower-cases printable ASCII text into *out; false (and *out unspecified) when the text has any
// other byte. For such text SanitizeUtf8 is the identity and NfkcCaseFold is lower-casing.
bool FoldPrintableAscii(std::string_view text, std::string* out) {
  out->resize(text.size());
  char* d = out->data();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c < 0x20 || c >= 0x7F) return false;  // also every byte >= 0x80 (char is signed here)
    d[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  return true;
}

}  // namespace

std::vector<Token> Normalizer::Normalize(std::string_view text) const {
  std::vector<Token> tokens;
  Normalize(text, &tokens);
  return tokens;
}

void Normalizer::Normalize(std::string_view text, std::vector<Token>* out) const {
  thread_local std::string folded;
  thread_local std::vector<std::uint8_t> flags;
  TokenSink sink(options_, out, &flags);
  if (text.size() <= options_.max_input_bytes && FoldPrintableAscii(text, &folded)) {
    // ASCII fast path: the only space is ' ' (other ASCII controls are not printable)
    const std::string_view f(folded);
    std::size_t i = 0;
    while (i < f.size()) {
      if (f[i] == ' ') {
        ++i;
        continue;
      }
      std::size_t j = f.find(' ', i);
      if (j == std::string_view::npos) j = f.size();
      sink.Chunk(f.substr(i, j - i));
      i = j;
    }
  } else {
    // SanitizeUtf8 at most triples the size (an invalid byte becomes U+FFFD): a text of up to a
    // third of the limit is never cut, and SanitizeAndFold gives exactly the whole-text fold.
    if (text.size() <= options_.max_input_bytes / 3) {
      SanitizeAndFold(text, &folded);
    } else {
      folded = NfkcCaseFold(SanitizeUtf8(text, options_.max_input_bytes));
    }
    ForEachChunk(folded, [&](std::string_view chunk) { sink.Chunk(chunk); });
  }
  sink.Finish();
  auto& tokens = *out;
  if (options_.negation_window > 0) {
    int remaining = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      auto& t = tokens[i];
      if (t.kind == TokenKind::kPunct || (flags[i] & 2)) {
        remaining = 0;
        continue;
      }
      if (flags[i] & 1) {
        remaining = options_.negation_window;
        continue;
      }
      if (remaining > 0 && (t.kind == TokenKind::kWord || t.kind == TokenKind::kHashtag)) {
        t.negated = true;
        t.text.insert(0, "NEG_");
        --remaining;
      }
    }
  }
}

std::vector<Token> Normalizer::Run(std::string_view text, std::vector<ExplainStep>* steps) const {
  if (steps) steps->push_back({"input", std::string(text.substr(0, options_.max_input_bytes))});
  const std::string clean = SanitizeUtf8(text, options_.max_input_bytes);
  if (steps) steps->push_back({"sanitized", clean});
  const std::string folded = NfkcCaseFold(clean);
  if (steps) steps->push_back({"nfkc_casefold", folded});
  std::vector<Token> tokens = Tokenize(folded);
  if (steps) steps->push_back({"tokens", Join(tokens, false)});

  if (options_.squeeze) {
    for (auto& t : tokens) {
      if (t.kind != TokenKind::kWord && t.kind != TokenKind::kHashtag) continue;
      bool changed = false;
      t.text = SqueezeRepeats(t.text, &changed);
      if (changed) {
        t.elongated = true;
        if (IsLaughWord(t.text)) t.text = "<laugh>", t.kind = TokenKind::kLaugh;
      }
      t.surface = t.text;
    }
  }
  if (steps) steps->push_back({"squeezed", Join(tokens, false)});

  if (options_.lexicon) {
    std::vector<Token> out;
    out.reserve(tokens.size());
    for (auto& t : tokens) {
      const std::vector<std::string>* repl = nullptr;
      if (t.kind == TokenKind::kWord || t.kind == TokenKind::kHashtag)
        repl = LookupColloquial(t.text);
      if (repl == nullptr || repl->empty()) {
        out.push_back(std::move(t));
        continue;
      }
      for (const auto& w : *repl) {
        Token nt = MakeToken(w, w.front() == '<' ? TokenKind::kLaugh : TokenKind::kWord);
        nt.elongated = t.elongated;
        out.push_back(std::move(nt));
      }
    }
    tokens = std::move(out);
  }
  if (steps) steps->push_back({"standardized", Join(tokens, false)});

  if (options_.negation_window > 0) {
    int remaining = 0;
    for (auto& t : tokens) {
      if (t.kind == TokenKind::kPunct || ScopeBreakers().count(t.text)) {
        remaining = 0;
        continue;
      }
      if (t.kind == TokenKind::kWord && Negators().count(t.text)) {
        remaining = options_.negation_window;
        continue;
      }
      if (remaining > 0 && (t.kind == TokenKind::kWord || t.kind == TokenKind::kHashtag)) {
        t.negated = true;
        --remaining;
      }
    }
  }
  auto mark = [](std::vector<Token>& ts) {
    for (auto& t : ts) {
      if (t.negated && t.text.rfind("NEG_", 0) != 0) t.text = "NEG_" + t.text;
    }
  };
  if (steps) {
    auto copy = tokens;
    mark(copy);
    steps->push_back({"negation", Join(copy, false)});
  }

  if (options_.stem) {
    for (auto& t : tokens) {
      if (t.kind == TokenKind::kWord || t.kind == TokenKind::kHashtag) t.text = StemWord(t.text);
    }
  }
  mark(tokens);
  if (steps) steps->push_back({"stemmed", Join(tokens, false)});
  return tokens;
}

}  // namespace humas::nlp
