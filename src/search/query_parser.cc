// ParseUserQuery: user search text → required and excluded phrases.
#include "search/query_parser.h"

#include <cstdint>

namespace humas::search {

char32_t DecodeUtf8(std::string_view s, size_t* i, size_t* len) {
  auto b0 = static_cast<unsigned char>(s[*i]);
  size_t need = 0;
  char32_t cp = 0;
  if (b0 < 0x80) {
    *len = 1;
    ++*i;
    return b0;
  } else if ((b0 & 0xe0) == 0xc0) {
    need = 1;
    cp = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    need = 2;
    cp = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    need = 3;
    cp = b0 & 0x07;
  } else {
    *len = 1;
    ++*i;
    return 0xfffd;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (*i + k >= s.size() || (static_cast<unsigned char>(s[*i + k]) & 0xc0) != 0x80) {
      *len = 1;
      ++*i;
      return 0xfffd;
    }
    cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3f);
  }
  // Overlong forms, surrogates and out-of-range values are invalid.
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[need] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    *len = 1;
    ++*i;
    return 0xfffd;
  }
  *len = need + 1;
  *i += need + 1;
  return cp;
}

bool IsWordChar(char32_t c) {
  if (c < 0x80) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
  if (c == 0xfffd) return false;
  if (c >= 0x80 && c <= 0xbf) return c == 0xaa || c == 0xb5 || c == 0xba;  // Latin-1 punct
  if (c == 0xd7 || c == 0xf7) return false;                                // × ÷
  if (c >= 0x2000 && c <= 0x2bff) return false;  // general punctuation .. misc symbols/arrows
  if (c >= 0x3000 && c <= 0x303f) return false;  // CJK punctuation
  if (c >= 0xfe00 && c <= 0xfe0f) return false;  // variation selectors
  if (c >= 0xfe30 && c <= 0xfe6f) return false;  // CJK compatibility forms, small forms
  if (c >= 0xff00 && c <= 0xff0f) return false;  // fullwidth punctuation
  if (c >= 0xff1a && c <= 0xff20) return false;
  if (c >= 0xfff0 && c <= 0xffff) return false;    // specials
  if (c >= 0x1f000 && c <= 0x1faff) return false;  // emoji, pictographs, playing cards
  if (c >= 0xe0000 && c <= 0xe007f) return false;  // tag characters (flag sequences)
  return true;
}

namespace {

struct Scanner {
  std::string_view s;
  size_t i = 0;

  bool Done() const { return i >= s.size(); }
  char Peek() const { return s[i]; }
};

}  // namespace

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    size_t len = 0;
    char32_t c = DecodeUtf8(text, &i, &len);
    if (IsWordChar(c)) {
      cur.append(text.substr(start, len));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

Result<ParsedQuery> ParseUserQuery(std::string_view q) {
  if (q.size() > kMaxQueryBytes) {
    return InvalidArgument("search query is too long: at most " + std::to_string(kMaxQueryBytes) +
                           " characters")
        .WithField("q");
  }
  ParsedQuery out;
  size_t tokens = 0;
  Scanner sc{q};
  while (!sc.Done()) {
    if (IsSpace(sc.Peek())) {
      ++sc.i;
      continue;
    }
    bool exclude = false;
    if (sc.Peek() == '-') {
      exclude = true;
      while (!sc.Done() && sc.Peek() == '-') ++sc.i;
      if (sc.Done() || IsSpace(sc.Peek())) continue;  // a lone '-' means nothing
    }
    std::string_view chunk;
    if (sc.Peek() == '"') {
      ++sc.i;
      size_t end = q.find('"', sc.i);
      if (end == std::string_view::npos) end = q.size();  // unbalanced: to the end
      chunk = q.substr(sc.i, end - sc.i);
      sc.i = end == q.size() ? end : end + 1;
    } else {
      size_t start = sc.i;
      while (!sc.Done() && !IsSpace(sc.Peek()) && sc.Peek() != '"') ++sc.i;
      chunk = q.substr(start, sc.i - start);
    }
    Phrase p{Tokenize(chunk)};
    if (p.tokens.empty()) continue;
    tokens += p.tokens.size();
    if (tokens > kMaxQueryTokens) {
      return InvalidArgument("search query has too many words: at most " +
                             std::to_string(kMaxQueryTokens))
          .WithField("q");
    }
    (exclude ? out.excluded : out.required).push_back(std::move(p));
  }
  if (out.required.empty()) {
    if (!out.excluded.empty()) {
      return InvalidArgument(
                 "search query has only excluded words (-word); add at least one word to find")
          .WithField("q");
    }
    return InvalidArgument("search query has no searchable words (letters or digits)")
        .WithField("q");
  }
  return out;
}

}  // namespace humas::search
