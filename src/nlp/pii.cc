// Personal-data detector (see pii.h): hand-written scanners, no regex engine, linear time.
#include "nlp/pii.h"

#include <algorithm>

namespace humas::nlp {
namespace {

bool Digit(char c) { return c >= '0' && c <= '9'; }
// ASCII only, as std::isalnum / std::tolower in the "C" locale (humas never changes it), inline.
bool Alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }
int Two(std::string_view s, std::size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); }

bool ProvinceExists(int p) {
  return (p >= 11 && p <= 19) || p == 21 || (p >= 31 && p <= 36) || (p >= 51 && p <= 53) ||
         (p >= 61 && p <= 65) || (p >= 71 && p <= 76) || p == 81 || p == 82 || (p >= 91 && p <= 97);
}

bool PlausibleNik(std::string_view d) {
  if (!ProvinceExists(Two(d, 0)) || Two(d, 2) == 0 || Two(d, 4) == 0) return false;
  const int day = Two(d, 6), month = Two(d, 8);
  const bool day_ok = (day >= 1 && day <= 31) || (day >= 41 && day <= 71);
  return day_ok && month >= 1 && month <= 12 && d.substr(12, 4) != "0000";
}

// Scans digits starting at i, allowing single separators (space . -) between digit groups.
// Returns the end of the run; digits collects the digits.
std::size_t DigitRun(std::string_view s, std::size_t i, std::string* digits) {
  std::size_t end = i;
  while (i < s.size()) {
    if (Digit(s[i])) {
      digits->push_back(s[i]);
      end = ++i;
    } else if ((s[i] == ' ' || s[i] == '.' || s[i] == '-') && i + 1 < s.size() && Digit(s[i + 1]) &&
               !digits->empty()) {
      ++i;
    } else {
      break;
    }
  }
  return end;
}

void FindNumbers(std::string_view s, std::vector<PiiMatch>* out) {
  std::size_t i = 0;
  while (i < s.size()) {
    const bool plus = s[i] == '+' && i + 1 < s.size() && Digit(s[i + 1]);
    if (!(Digit(s[i]) || plus) || (i > 0 && (Alnum(s[i - 1])))) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    // NIK: a contiguous run of exactly 16 digits
    std::size_t j = plus ? i + 1 : i;
    while (j < s.size() && Digit(s[j])) ++j;
    const std::size_t contiguous = j - (plus ? i + 1 : i);
    if (!plus && contiguous == 16 && (j == s.size() || !Alnum(s[j])) &&
        PlausibleNik(s.substr(i, 16))) {
      out->push_back({PiiKind::kNik, start, j});
      i = j;
      continue;
    }
    // phone numbers may contain separators
    std::string digits;
    const std::size_t end = DigitRun(s, plus ? i + 1 : i, &digits);
    if (end < s.size() && Alnum(s[end])) {
      i = end + 1;
      continue;
    }
    std::string_view national = digits;
    bool mobile = false;
    if (national.substr(0, 2) == "62") {
      national.remove_prefix(2);
      mobile = !national.empty() && national[0] == '8';
    } else if (national.substr(0, 2) == "08") {
      national.remove_prefix(1);
      mobile = true;
    }
    const std::size_t n = national.size();  // without 0 / 62
    if (mobile && n >= 9 && n <= 12) {
      out->push_back({PiiKind::kPhone, start, end});
    } else if (!mobile && digits.size() >= 9 && digits.size() <= 12 && digits[0] == '0' &&
               digits[1] >= '2' && digits[1] <= '9' && contiguous < digits.size()) {
      // landline: 0 + area code, written with a separator after the area code
      out->push_back({PiiKind::kPhone, start, end});
    }
    i = std::max(end, i + 1);
  }
}

bool EmailChar(char c) { return Alnum(c) || c == '.' || c == '_' || c == '-' || c == '+'; }

void FindEmails(std::string_view s, std::vector<PiiMatch>* out) {
  for (std::size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    std::size_t b = at;
    while (b > 0 && EmailChar(s[b - 1])) --b;
    std::size_t e = at + 1;
    while (e < s.size() && (Alnum(s[e]) || s[e] == '.' || s[e] == '-')) ++e;
    while (e > at + 1 && s[e - 1] == '.') --e;  // sentence full stop
    const auto domain = s.substr(at + 1, e - at - 1);
    const auto dot = domain.rfind('.');
    if (b < at && dot != std::string_view::npos && dot > 0 && domain.size() - dot > 2) {
      out->push_back({PiiKind::kEmail, b, e});
    }
  }
}

// Lower-cased ASCII copy, same byte offsets.
const std::string& Folded(std::string_view s) {
  thread_local std::string f;  // reused: no allocation per text once warm
  f.assign(s);
  for (auto& c : f) c = Lower(c);
  return f;
}

bool WordAt(const std::string& f, std::size_t i, std::string_view w) {
  return f.compare(i, w.size(), w) == 0 && (i == 0 || !Alnum(f[i - 1])) &&
         (i + w.size() >= f.size() || !Alnum(f[i + w.size()]));
}

void FindAddresses(std::string_view s, std::vector<PiiMatch>* out) {
  // only 'r' (rt), 'j' (jl, jalan) and 'g' (gg, gang) can start an address: skip the rest fast
  if (s.find_first_of("rRjJgG") == std::string_view::npos) return;
  const std::string& f = Folded(s);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] != 'r' && f[i] != 'j' && f[i] != 'g') continue;
    // "rt 03 / rw 05", "rt.003/rw.002"
    if (WordAt(f, i, "rt")) {
      std::size_t j = i + 2;
      while (j < f.size() && (f[j] == ' ' || f[j] == '.')) ++j;
      const std::size_t d1 = j;
      while (j < f.size() && Digit(f[j])) ++j;
      if (j == d1) continue;
      while (j < f.size() && (f[j] == ' ' || f[j] == '/')) ++j;
      if (f.compare(j, 2, "rw") != 0) continue;
      j += 2;
      while (j < f.size() && (f[j] == ' ' || f[j] == '.')) ++j;
      const std::size_t d2 = j;
      while (j < f.size() && Digit(f[j])) ++j;
      if (j == d2) continue;
      out->push_back({PiiKind::kAddress, i, j});
      i = j;
      continue;
    }
    // street + house number within the next 60 bytes
    for (std::string_view kw : {"jl.", "jln.", "jln", "jl", "jalan", "gg.", "gang"}) {
      if (f.compare(i, kw.size(), kw) != 0 || (i > 0 && Alnum(f[i - 1]))) continue;
      if (i + kw.size() < f.size() && Alnum(f[i + kw.size()]) && kw.back() != '.') continue;
      const std::size_t limit = std::min(f.size(), i + kw.size() + 60);
      for (std::size_t j = i + kw.size(); j < limit; ++j) {
        std::size_t k = std::string::npos;
        if (WordAt(f, j, "no"))
          k = j + 2;
        else if (WordAt(f, j, "nomor"))
          k = j + 5;
        if (k == std::string::npos) continue;
        while (k < f.size() && (f[k] == '.' || f[k] == ' ' || f[k] == ':')) ++k;
        const std::size_t d = k;
        while (k < f.size() && (Digit(f[k]) || (k > d && Alnum(f[k])))) ++k;
        if (k > d && Digit(f[d])) {
          out->push_back({PiiKind::kAddress, i, k});
          i = k;
          break;
        }
      }
      break;
    }
  }
}

}  // namespace

std::string_view ToString(PiiKind kind) {
  switch (kind) {
    case PiiKind::kNik:
      return "nik";
    case PiiKind::kPhone:
      return "phone";
    case PiiKind::kEmail:
      return "email";
    case PiiKind::kAddress:
      return "address";
  }
  return "unknown";
}

std::vector<PiiMatch> FindPersonalData(std::string_view text) {
  std::vector<PiiMatch> all;
  FindEmails(text, &all);
  // every NIK, phone number and address has a digit: most texts need no further scan
  if (std::any_of(text.begin(), text.end(), Digit)) {
    FindNumbers(text, &all);
    FindAddresses(text, &all);
  }
  std::sort(all.begin(), all.end(), [](const PiiMatch& a, const PiiMatch& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<PiiMatch> out;
  for (const auto& m : all) {
    if (!out.empty() && m.begin < out.back().end) continue;  // keep the earlier, longer one
    out.push_back(m);
  }
  return out;
}

bool HasPersonalData(std::string_view text) { return !FindPersonalData(text).empty(); }

std::string RedactPersonalData(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  for (const auto& m : FindPersonalData(text)) {
    out.append(text.substr(pos, m.begin - pos));
    switch (m.kind) {
      case PiiKind::kNik:
        out += "[NIK]";
        break;
      case PiiKind::kPhone:
        out += "[TELEPON]";
        break;
      case PiiKind::kEmail:
        out += "[EMAIL]";
        break;
      case PiiKind::kAddress:
        out += "[ALAMAT]";
        break;
    }
    pos = m.end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace humas::nlp
