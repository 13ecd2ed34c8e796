// Feed dates as seen in the wild: RFC 822 in its many variants, RFC 3339 / ISO 8601 / W3C-DTF.
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "connectors/feed/feed.h"

namespace humas::connectors::feed {
namespace {

struct Civil {
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  int offset_minutes = 0;  //!< local time = UTC + offset
};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::optional<UnixMillis> ToMillis(Civil c) {
  if (c.year < 1 || c.year > 9999 || c.month < 1 || c.month > 12 || c.day < 1 ||
      c.day > DaysIn(c.year, c.month) || c.hour < 0 || c.hour > 24 || c.minute < 0 ||
      c.minute > 59 || c.second < 0 || c.second > 60) {
    return std::nullopt;
  }
  if (c.hour == 24 && (c.minute != 0 || c.second != 0)) return std::nullopt;
  if (c.second == 60) c.second = 59;  // leap second: the instant just before
  std::int64_t days =
      DaysFromCivil(c.year, static_cast<unsigned>(c.month), static_cast<unsigned>(c.day));
  std::int64_t secs = days * 86400 + c.hour * 3600 + c.minute * 60 + c.second -
                      static_cast<std::int64_t>(c.offset_minutes) * 60;
  return secs * 1000 + c.millis;
}

// ---------------------------------------------------------------- ISO 8601 / RFC 3339

//! Reads exactly `n` digits at s[*i]; false (and *i unchanged) otherwise.
bool Digits(std::string_view s, size_t* i, int n, int* out) {
  if (*i + n > s.size()) return false;
  int v = 0;
  for (int k = 0; k < n; ++k) {
    char ch = s[*i + k];
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
  }
  *i += n;
  *out = v;
  return true;
}

//! "Z", "+07:00", "+0700", "+07", "-05:00"; true with the offset, or false.
bool ParseOffset(std::string_view s, size_t* i, int* minutes) {
  if (*i >= s.size()) return false;
  char ch = s[*i];
  if (ch == 'Z' || ch == 'z') {
    ++*i;
    *minutes = 0;
    return true;
  }
  if (ch != '+' && ch != '-' && ch != '\xe2') return false;
  size_t j = *i + 1;
  if (ch == '\xe2') {  // U+2212 MINUS SIGN, seen in hand-written feeds
    if (s.substr(*i, 3) != "\xe2\x88\x92") return false;
    j = *i + 3;
  }
  int h = 0, m = 0;
  if (!Digits(s, &j, 2, &h)) return false;
  if (j < s.size() && s[j] == ':') ++j;
  if (!Digits(s, &j, 2, &m)) m = 0;
  if (h > 23 || m > 59) return false;
  *minutes = (ch == '+' ? 1 : -1) * (h * 60 + m);
  *i = j;
  return true;
}

std::optional<UnixMillis> ParseIso(std::string_view s) {
  Civil c;
  size_t i = 0;
  if (!Digits(s, &i, 4, &c.year)) return std::nullopt;
  bool compact = false;
  if (i == s.size()) return ToMillis(c);  // "2003"
  if (s[i] == '-') {
    ++i;
    if (!Digits(s, &i, 2, &c.month)) return std::nullopt;
    if (i == s.size()) return ToMillis(c);  // "2003-12"
    if (s[i] == '-') {
      ++i;
      if (!Digits(s, &i, 2, &c.day)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  } else if (Digits(s, &i, 2, &c.month) && Digits(s, &i, 2, &c.day)) {
    compact = true;  // "20031231"
  } else {
    return std::nullopt;
  }
  if (i == s.size()) return ToMillis(c);
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return std::nullopt;
  ++i;
  while (i < s.size() && s[i] == ' ') ++i;
  if (!Digits(s, &i, 2, &c.hour)) return std::nullopt;
  if (i < s.size() && s[i] == ':')
    ++i;
  else if (!compact)
    return std::nullopt;
  if (!Digits(s, &i, 2, &c.minute)) return std::nullopt;
  if (i < s.size() &&
      (s[i] == ':' || (compact && std::isdigit(static_cast<unsigned char>(s[i]))))) {
    if (s[i] == ':') ++i;
    if (!Digits(s, &i, 2, &c.second)) return std::nullopt;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      int scale = 100, n = 0;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        c.millis += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
        ++n;
      }
      if (n == 0) return std::nullopt;
    }
  }
  while (i < s.size() && s[i] == ' ') ++i;
  if (i < s.size()) {
    if (!ParseOffset(s, &i, &c.offset_minutes)) {
      // "2003-12-31 10:14:55 GMT" / "UTC"
      std::string rest(s.substr(i));
      for (char& ch : rest) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (rest != "gmt" && rest != "utc" && rest != "ut") return std::nullopt;
      i = s.size();
    }
  }
  if (i != s.size()) return std::nullopt;
  return ToMillis(c);
}

// ---------------------------------------------------------------- RFC 822 and relatives

int MonthFromName(const std::string& w) {
  // English and Indonesian names and abbreviations (portals in Indonesia write "Agu", "Okt").
  static const std::pair<const char*, int> kMonths[] = {
      {"jan", 1}, {"feb", 2},  {"peb", 2},  {"mar", 3},  {"apr", 4},  {"may", 5},
      {"mei", 5}, {"jun", 6},  {"jul", 7},  {"aug", 8},  {"agu", 8},  {"ags", 8},
      {"sep", 9}, {"oct", 10}, {"okt", 10}, {"nov", 11}, {"dec", 12}, {"des", 12}};
  if (w.size() < 3) return 0;
  std::string p = w.substr(0, 3);
  for (const auto& [name, m] : kMonths) {
    if (p == name) return m;
  }
  return 0;
}

//! Named zones: RFC 822 (UT, GMT, EST...), common extras and Indonesia's WIB/WITA/WIT.
bool ZoneFromName(const std::string& w, int* minutes) {
  static const std::pair<const char*, int> kZones[] = {
      {"ut", 0},        {"utc", 0},       {"gmt", 0},       {"z", 0},         {"est", -5 * 60},
      {"edt", -4 * 60}, {"cst", -6 * 60}, {"cdt", -5 * 60}, {"mst", -7 * 60}, {"mdt", -6 * 60},
      {"pst", -8 * 60}, {"pdt", -7 * 60}, {"bst", 60},      {"cet", 60},      {"cest", 120},
      {"wib", 7 * 60},  {"wita", 8 * 60}, {"wit", 9 * 60},  {"jst", 9 * 60},  {"sgt", 8 * 60}};
  for (const auto& [name, off] : kZones) {
    if (w == name) {
      *minutes = off;
      return true;
    }
  }
  // RFC 822 military zones: A-I = -1..-9, K-M = -10..-12, N-Y = +1..+12.
  if (w.size() == 1 && w[0] >= 'a' && w[0] <= 'y' && w[0] != 'j') {
    char ch = w[0];
    int h = ch <= 'i' ? -(ch - 'a' + 1) : ch <= 'm' ? -(ch - 'k' + 10) : (ch - 'n' + 1);
    *minutes = h * 60;
    return true;
  }
  return false;
}

bool AllDigits(const std::string& w) {
  if (w.empty()) return false;
  for (char ch : w)
    if (ch < '0' || ch > '9') return false;
  return true;
}

bool AllAlpha(const std::string& w) {
  if (w.empty()) return false;
  for (char ch : w)
    if (ch < 'a' || ch > 'z') return false;
  return true;
}

//! "HH:MM[:SS]" (also "HH.MM").
bool ParseClock(const std::string& w, Civil* c) {
  size_t i = 0;
  int h = 0, m = 0, s = 0;
  if (!Digits(w, &i, 2, &h)) {
    i = 0;
    if (!Digits(w, &i, 1, &h)) return false;
  }
  if (i >= w.size() || (w[i] != ':' && w[i] != '.')) return false;
  ++i;
  if (!Digits(w, &i, 2, &m)) return false;
  if (i < w.size() && w[i] == ':') {
    ++i;
    if (!Digits(w, &i, 2, &s)) return false;
    if (i < w.size() && w[i] == '.') {  // fractional seconds
      ++i;
      while (i < w.size() && w[i] >= '0' && w[i] <= '9') ++i;
    }
  }
  if (i != w.size()) return false;
  c->hour = h;
  c->minute = m;
  c->second = s;
  return true;
}

std::optional<UnixMillis> ParseRfc822(std::string_view text) {
  std::string s;
  for (char ch : text) {
    unsigned char u = static_cast<unsigned char>(ch);
    s += (ch == ',') ? ' ' : static_cast<char>(std::tolower(u));
  }
  // "01-Jan-2024" → "01 jan 2024" (only when it has no '+'/'T' ISO shape: handled earlier)
  std::vector<std::string> words;
  std::string cur;
  for (char ch : s) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      if (!cur.empty()) words.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) words.push_back(cur);
  if (words.empty()) return std::nullopt;
  // Split "01-jan-2024" style tokens.
  std::vector<std::string> tokens;
  for (const std::string& w : words) {
    if (w.find('-') != std::string::npos && w[0] != '-' && w[0] != '+' &&
        MonthFromName(w.substr(w.find('-') + 1)) != 0) {
      size_t a = w.find('-');
      size_t b = w.find('-', a + 1);
      tokens.push_back(w.substr(0, a));
      tokens.push_back(w.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1));
      if (b != std::string::npos) tokens.push_back(w.substr(b + 1));
    } else {
      tokens.push_back(w);
    }
  }
  Civil c;
  size_t i = 0;
  // Day-of-week (any language), possibly with a trailing '.'.
  if (i < tokens.size() && MonthFromName(tokens[i]) == 0 && !AllDigits(tokens[i])) {
    std::string w = tokens[i];
    if (!w.empty() && w.back() == '.') w.pop_back();
    if (!AllAlpha(w)) return std::nullopt;
    ++i;
  }
  if (i + 3 > tokens.size()) return std::nullopt;
  std::string a = tokens[i], b = tokens[i + 1], y = tokens[i + 2];
  if (!b.empty() && b.back() == '.') b.pop_back();
  if (!a.empty() && a.back() == '.') a.pop_back();
  if (AllDigits(a) && MonthFromName(b) != 0) {  // "31 Dec 2003"
    if (a.size() > 2) return std::nullopt;
    c.day = std::stoi(a);
    c.month = MonthFromName(b);
  } else if (MonthFromName(a) != 0 && AllDigits(b)) {  // "Dec 31 2003"
    if (b.size() > 2) return std::nullopt;
    c.month = MonthFromName(a);
    c.day = std::stoi(b);
  } else {
    return std::nullopt;
  }
  if (!AllDigits(y) || (y.size() != 2 && y.size() != 4)) return std::nullopt;
  c.year = std::stoi(y);
  if (y.size() == 2) c.year += c.year < 50 ? 2000 : 1900;
  i += 3;
  if (i < tokens.size()) {
    if (!ParseClock(tokens[i], &c)) return std::nullopt;
    ++i;
  }
  if (i < tokens.size()) {
    std::string z = tokens[i];
    size_t k = 0;
    int off = 0;
    // "GMT+0700" / "UTC-5"
    if ((z.rfind("gmt", 0) == 0 || z.rfind("utc", 0) == 0) && z.size() > 3) z = z.substr(3);
    if (ParseOffset(z, &k, &off) && k == z.size()) {
      c.offset_minutes = off;
    } else if ((z[0] == '+' || z[0] == '-') && z.size() <= 3 && AllDigits(z.substr(1))) {
      c.offset_minutes = (z[0] == '+' ? 1 : -1) * std::stoi(z.substr(1)) * 60;  // "+7"
    } else if (!ZoneFromName(z, &c.offset_minutes)) {
      return std::nullopt;
    }
    ++i;
    // "(WIB)" style comments after the zone are ignored.
    while (i < tokens.size() && tokens[i].front() == '(') ++i;
  }
  if (i != tokens.size()) return std::nullopt;
  return ToMillis(c);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<UnixMillis> ParseDate(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.empty() || s.size() > 100) return std::nullopt;
  if (s.size() >= 4 && std::isdigit(static_cast<unsigned char>(s[0])) &&
      std::isdigit(static_cast<unsigned char>(s[1])) &&
      std::isdigit(static_cast<unsigned char>(s[2])) &&
      std::isdigit(static_cast<unsigned char>(s[3]))) {
    if (auto t = ParseIso(s)) return t;
  }
  return ParseRfc822(s);
}

std::string FormatDate(UnixMillis t) {
  std::string s = FormatRfc3339(t - ((t % 1000) + 1000) % 1000);  // "...:SS.000Z"
  size_t dot = s.rfind('.');
  if (dot != std::string::npos) s = s.substr(0, dot) + "Z";
  return s;
}

}  // namespace humas::connectors::feed
