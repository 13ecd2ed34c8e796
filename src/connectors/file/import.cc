// Streaming JSONL/CSV mention import: line splitting, RFC 4180 state machine, simdjson DOM
// parsing and the field rules of docs/import-format.md.
#include "connectors/file/import.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <utility>

namespace humas {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kMaxHandleChars = 200;
constexpr std::size_t kMaxNameChars = 200;
constexpr std::size_t kMaxUrlBytes = 2048;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return IsSpace(c); });
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (Lower(s[i]) != prefix[i]) return false;
  return true;
}

//! Quotes a value for an error message: at most 60 bytes, anything but printable ASCII shown as
//! '?', so a reason is always valid UTF-8 even when the input was not.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  const std::size_t n = std::min<std::size_t>(s.size(), 60);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (n < s.size()) out += "...";
  out += '"';
  return out;
}

//! Code points in valid UTF-8.
std::size_t Utf8Chars(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool IsAgencyCode(std::string_view s) {
  if (s.size() < 2 || s.size() > 40) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string PlatformList() {
  std::string out;
  for (int i = 0; i <= static_cast<int>(Platform::kOther); ++i) {
    if (!out.empty()) out += ", ";
    out += ToString(static_cast<Platform>(i));
  }
  return out;
}

//! Why a line is rejected, on its way to an ImportError.
struct Rejection {
  ImportErrorCode code = ImportErrorCode::kInvalidValue;
  std::string field;
  std::string reason;
};

//! Fills *r and returns false, so that a check can end with `return Reject(...)`.
bool Reject(Rejection* r, ImportErrorCode code, std::string_view field, std::string reason) {
  r->code = code;
  r->field.assign(field);
  r->reason = std::move(reason);
  return false;
}

//! The fields of one line/record before validation. Views point into the parser's buffers and
//! are valid only while the line is being processed.
struct RawFields {
  std::optional<std::string_view> platform, external_id, url, author_handle, author_name, text,
      created_at, agency, kind, in_reply_to, shared_from;
  std::optional<std::int64_t> shares, likes, replies, author_followers;
  // Storage for ids given as JSON integers.
  std::string external_id_buf, in_reply_to_buf, shared_from_buf;
};

//! Checks an id-like value (external_id, in_reply_to, shared_from).
bool CheckId(std::string_view field, std::string_view v, bool check_utf8, Rejection* error) {
  if (Trim(v).empty())
    return Reject(error, ImportErrorCode::kMissingField, field,
                  std::string(field) + ": must not be empty");
  if (check_utf8 && !simdjson::validate_utf8(v.data(), v.size()))
    return Reject(error, ImportErrorCode::kInvalidUtf8, field,
                  std::string(field) + ": not valid UTF-8");
  if (Utf8Chars(v) > kMaxExternalIdChars)
    return Reject(error, ImportErrorCode::kTooLong, field,
                  std::string(field) + ": longer than " + std::to_string(kMaxExternalIdChars) +
                      " characters");
  return true;
}

bool CheckPlainText(std::string_view field, std::string_view v, std::size_t max_chars,
                    bool check_utf8, Rejection* error) {
  if (check_utf8 && !simdjson::validate_utf8(v.data(), v.size()))
    return Reject(error, ImportErrorCode::kInvalidUtf8, field,
                  std::string(field) + ": not valid UTF-8");
  if (Utf8Chars(v) > max_chars)
    return Reject(
        error, ImportErrorCode::kTooLong, field,
        std::string(field) + ": longer than " + std::to_string(max_chars) + " characters");
  return true;
}

//! Validates `raw` by the rules of docs/import-format.md and fills `out`. On failure sets *error
//! to a code and a reason naming the field (as spelled in the format, `csv` or JSONL) and returns
//! false.
bool BuildMention(const RawFields& raw, bool csv, MentionInput* out, Rejection* error) {
  // JSON lines were UTF-8-validated as a whole by simdjson; CSV cells are checked here.
  const bool check_utf8 = csv;
  const std::string_view handle_field = csv ? "author_handle" : "author.handle";
  const std::string_view name_field = csv ? "author_name" : "author.name";
  // Required fields first, all missing ones named at once.
  std::string missing;
  const auto need = [&](const std::optional<std::string_view>& v, std::string_view name) {
    if (v && !Trim(*v).empty()) return;
    if (!missing.empty()) missing += ", ";
    missing += name;
  };
  need(raw.platform, "platform");
  need(raw.external_id, "external_id");
  need(raw.author_handle, handle_field);
  need(raw.text, "text");
  need(raw.created_at, "created_at");
  if (!missing.empty()) {
    return Reject(error, ImportErrorCode::kMissingField, missing,
                  (missing.find(',') == std::string::npos ? "missing required field "
                                                          : "missing required fields ") +
                      missing);
  }

  auto platform = ParsePlatform(Trim(*raw.platform));
  if (!platform) {
    return Reject(error, ImportErrorCode::kInvalidValue, "platform",
                  "platform: unknown platform " + Quote(*raw.platform) + " (expected one of " +
                      PlatformList() + ")");
  }
  out->platform = *platform;

  if (!CheckId("external_id", *raw.external_id, check_utf8, error)) return false;
  out->external_id.assign(*raw.external_id);

  if (raw.url && !Trim(*raw.url).empty()) {
    const std::string_view url = Trim(*raw.url);
    if (!StartsWithNoCase(url, "http://") && !StartsWithNoCase(url, "https://")) {
      return Reject(error, ImportErrorCode::kInvalidValue, "url",
                    "url: must start with http:// or https://, got " + Quote(url));
    }
    if (url.size() > kMaxUrlBytes ||
        std::any_of(url.begin(), url.end(), [](char c) { return IsSpace(c); })) {
      return Reject(error, ImportErrorCode::kInvalidValue, "url",
                    "url: not a valid URL (spaces inside or longer than 2048 bytes)");
    }
    if (check_utf8 && !simdjson::validate_utf8(url.data(), url.size()))
      return Reject(error, ImportErrorCode::kInvalidUtf8, "url", "url: not valid UTF-8");
    out->url.assign(url);
  } else {
    out->url.clear();
  }

  const std::string_view handle = Trim(*raw.author_handle);
  if (!CheckPlainText(handle_field, handle, kMaxHandleChars, check_utf8, error)) return false;
  out->author_handle.assign(handle);
  if (raw.author_name) {
    const std::string_view name = Trim(*raw.author_name);
    if (!CheckPlainText(name_field, name, kMaxNameChars, check_utf8, error)) return false;
    out->author_name.assign(name);
  } else {
    out->author_name.clear();
  }

  const std::string_view text = *raw.text;
  if (text.size() > kMaxTextBytes) {
    return Reject(error, ImportErrorCode::kTooLong, "text",
                  "text: " + std::to_string(text.size()) + " bytes, more than the limit of " +
                      std::to_string(kMaxTextBytes));
  }
  if (check_utf8 && !simdjson::validate_utf8(text.data(), text.size())) {
    return Reject(error, ImportErrorCode::kInvalidUtf8, "text",
                  "text: not valid UTF-8 (the file must be UTF-8 encoded)");
  }
  out->text.assign(text);  // verbatim: quotes must stay exactly as written

  auto created = ParseRfc3339(Trim(*raw.created_at));
  if (!created.ok()) {
    std::string msg = created.status().message();
    if (check_utf8 && !simdjson::validate_utf8(msg.data(), msg.size()))
      msg = "invalid RFC 3339 time " + Quote(*raw.created_at);
    return Reject(error, ImportErrorCode::kInvalidTime, "created_at", "created_at: " + msg);
  }
  out->created_at = *created;

  out->agency_code.clear();
  if (raw.agency && !Trim(*raw.agency).empty()) {
    const std::string_view code = Trim(*raw.agency);
    if (!IsAgencyCode(code)) {
      return Reject(error, ImportErrorCode::kInvalidValue, "agency",
                    "agency: " + Quote(code) +
                        " is not an agency code (2-40 characters a-z, 0-9 and '-', e.g. "
                        "\"dinkes\")");
    }
    out->agency_code.assign(code);
  }

  out->in_reply_to.clear();
  if (raw.in_reply_to && !Trim(*raw.in_reply_to).empty()) {
    if (!CheckId("in_reply_to", *raw.in_reply_to, check_utf8, error)) return false;
    out->in_reply_to.assign(*raw.in_reply_to);
  }
  out->shared_from.clear();
  if (raw.shared_from && !Trim(*raw.shared_from).empty()) {
    if (!CheckId("shared_from", *raw.shared_from, check_utf8, error)) return false;
    out->shared_from.assign(*raw.shared_from);
  }

  if (raw.kind && !Trim(*raw.kind).empty()) {
    auto kind = ParseMentionKind(Trim(*raw.kind));
    if (!kind) {
      return Reject(error, ImportErrorCode::kInvalidValue, "kind",
                    "kind: unknown kind " + Quote(*raw.kind) +
                        " (expected post, comment, reply, share or message)");
    }
    out->kind = *kind;
  } else {
    out->kind = out->in_reply_to.empty() ? MentionKind::kPost : MentionKind::kReply;
  }

  out->shares = raw.shares.value_or(0);
  out->likes = raw.likes.value_or(0);
  out->replies = raw.replies.value_or(0);
  out->author_followers = raw.author_followers;
  out->labels = MentionLabels{};
  return true;
}

// ---------------------------------------------------------------- JSON helpers

std::string_view TypeName(simdjson::dom::element_type t) {
  using T = simdjson::dom::element_type;
  switch (t) {
    case T::ARRAY:
      return "an array";
    case T::OBJECT:
      return "an object";
    case T::INT64:
    case T::UINT64:
      return "an integer";
    case T::DOUBLE:
      return "a number";
    case T::STRING:
      return "a string";
    case T::BOOL:
      return "a boolean";
    case T::NULL_VALUE:
      return "null";
  }
  return "something else";
}

//! Field of JSON type string; null means absent.
bool JsonString(std::string_view field, simdjson::dom::element v,
                std::optional<std::string_view>* out, Rejection* error) {
  if (v.is_null()) return true;
  std::string_view s;
  if (v.get_string().get(s)) {
    return Reject(
        error, ImportErrorCode::kWrongType, field,
        std::string(field) + ": must be a string, got " + std::string(TypeName(v.type())));
  }
  *out = s;
  return true;
}

//! Id field: a string or an integer (written in decimal); null means absent.
bool JsonId(std::string_view field, simdjson::dom::element v, std::optional<std::string_view>* out,
            std::string* buf, Rejection* error) {
  using T = simdjson::dom::element_type;
  switch (v.type()) {
    case T::NULL_VALUE:
      return true;
    case T::STRING:
      *out = std::string_view(v.get_string().value_unsafe());
      return true;
    case T::INT64:
      *buf = std::to_string(int64_t(v.get_int64().value_unsafe()));
      break;
    case T::UINT64:
      *buf = std::to_string(uint64_t(v.get_uint64().value_unsafe()));
      break;
    default:
      return Reject(error, ImportErrorCode::kWrongType, field,
                    std::string(field) + ": must be a string or an integer, got " +
                        std::string(TypeName(v.type())));
  }
  *out = *buf;
  return true;
}

//! Counter field: a non-negative integer; null means absent.
bool JsonCount(std::string_view field, simdjson::dom::element v, std::optional<std::int64_t>* out,
               Rejection* error) {
  using T = simdjson::dom::element_type;
  switch (v.type()) {
    case T::NULL_VALUE:
      return true;
    case T::INT64: {
      const int64_t n = v.get_int64().value_unsafe();
      if (n < 0) {
        return Reject(
            error, ImportErrorCode::kInvalidValue, field,
            std::string(field) + ": must be a non-negative integer, got " + std::to_string(n));
      }
      *out = n;
      return true;
    }
    case T::UINT64:
      return Reject(error, ImportErrorCode::kInvalidValue, field,
                    std::string(field) + ": integer too large");
    default:
      return Reject(error, ImportErrorCode::kWrongType, field,
                    std::string(field) + ": must be a non-negative integer, got " +
                        std::string(TypeName(v.type())));
  }
}

// ---------------------------------------------------------------- CSV columns

enum class Column {
  kIgnored,
  kPlatform,
  kExternalId,
  kUrl,
  kAuthorHandle,
  kAuthorName,
  kText,
  kCreatedAt,
  kAgency,
  kKind,
  kInReplyTo,
  kSharedFrom,
  kShares,
  kLikes,
  kReplies,
  kAuthorFollowers
};

constexpr std::array<std::pair<std::string_view, Column>, 15> kColumns{{
    {"platform", Column::kPlatform},
    {"external_id", Column::kExternalId},
    {"url", Column::kUrl},
    {"author_handle", Column::kAuthorHandle},
    {"author_name", Column::kAuthorName},
    {"text", Column::kText},
    {"created_at", Column::kCreatedAt},
    {"agency", Column::kAgency},
    {"kind", Column::kKind},
    {"in_reply_to", Column::kInReplyTo},
    {"shared_from", Column::kSharedFrom},
    {"shares", Column::kShares},
    {"likes", Column::kLikes},
    {"replies", Column::kReplies},
    {"author_followers", Column::kAuthorFollowers},
}};

constexpr std::array<std::pair<std::string_view, Column>, 5> kRequiredColumns{{
    {"platform", Column::kPlatform},
    {"external_id", Column::kExternalId},
    {"author_handle", Column::kAuthorHandle},
    {"text", Column::kText},
    {"created_at", Column::kCreatedAt},
}};

//! A CSV counter cell: empty = absent, else decimal digits (surrounding spaces allowed).
bool CsvCount(std::string_view field, std::string_view cell, std::optional<std::int64_t>* out,
              Rejection* error) {
  const std::string_view v = Trim(cell);
  if (v.empty()) return true;
  std::int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec == std::errc::result_out_of_range)
    return Reject(error, ImportErrorCode::kInvalidValue, field,
                  std::string(field) + ": integer too large");
  if (ec != std::errc() || ptr != v.data() + v.size() || n < 0) {
    // CSV cells have no types: a counter that is not digits is a bad value, not a wrong type.
    return Reject(error, ImportErrorCode::kInvalidValue, field,
                  std::string(field) + ": must be a non-negative integer, got " + Quote(v));
  }
  *out = n;
  return true;
}

}  // namespace

// ---------------------------------------------------------------- public helpers

std::string_view ToString(ImportFormat f) {
  switch (f) {
    case ImportFormat::kAuto:
      return "auto";
    case ImportFormat::kJsonl:
      return "jsonl";
    case ImportFormat::kCsv:
      return "csv";
  }
  return "";
}

std::optional<ImportFormat> ParseImportFormat(std::string_view s) {
  if (s == "auto") return ImportFormat::kAuto;
  if (s == "jsonl" || s == "ndjson") return ImportFormat::kJsonl;
  if (s == "csv") return ImportFormat::kCsv;
  return std::nullopt;
}

ImportFormat FormatFromFilename(std::string_view path) {
  const auto ends = [&](std::string_view ext) {
    if (path.size() < ext.size()) return false;
    const std::string_view tail = path.substr(path.size() - ext.size());
    for (std::size_t i = 0; i < ext.size(); ++i)
      if (Lower(tail[i]) != ext[i]) return false;
    return true;
  };
  if (ends(".jsonl") || ends(".ndjson") || ends(".json")) return ImportFormat::kJsonl;
  if (ends(".csv")) return ImportFormat::kCsv;
  return ImportFormat::kAuto;
}

std::string_view ToString(ImportErrorCode c) {
  using C = ImportErrorCode;
  switch (c) {
    case C::kInvalidJson:
      return "invalid_json";
    case C::kNotAnObject:
      return "not_an_object";
    case C::kInvalidUtf8:
      return "invalid_utf8";
    case C::kLineTooLong:
      return "line_too_long";
    case C::kWrongColumnCount:
      return "wrong_column_count";
    case C::kMalformedQuote:
      return "malformed_quote";
    case C::kUnterminatedQuote:
      return "unterminated_quote";
    case C::kMissingField:
      return "missing_field";
    case C::kWrongType:
      return "wrong_type";
    case C::kInvalidValue:
      return "invalid_value";
    case C::kInvalidTime:
      return "invalid_time";
    case C::kTooLong:
      return "too_long";
    case C::kUnknownAgency:
      return "unknown_agency";
    case C::kAgencyOutOfScope:
      return "agency_out_of_scope";
    case C::kAgencyRequired:
      return "agency_required";
  }
  return "invalid_value";
}

std::string ImportError::ToString() const { return "line " + std::to_string(line) + ": " + reason; }

// ---------------------------------------------------------------- the parser

class MentionImportParser::Impl {
 public:
  Impl(ImportOptions options, BatchCallback on_batch)
      : options_(options), on_batch_(std::move(on_batch)) {
    if (options_.batch_size == 0) options_.batch_size = 1;
    format_ = options_.format;
  }

  Status Feed(std::string_view chunk) {
    if (!failed_.ok()) return failed_;
    if (finished_) return FailedPrecondition("import parser: Feed() after Finish()");
    if (chunk.empty()) return Status::Ok();
    stats_.lines += std::count(chunk.begin(), chunk.end(), '\n');
    last_byte_ = chunk.back();
    any_bytes_ = true;
    if (!started_) {
      head_.append(chunk);
      if (!DecideStart(/*at_end=*/false)) return Status::Ok();
      std::string head = std::move(head_);
      head_.clear();
      Dispatch(head);
    } else {
      Dispatch(chunk);
    }
    return failed_;
  }

  Status Finish() {
    if (!failed_.ok()) return failed_;
    if (finished_) return FailedPrecondition("import parser: Finish() called twice");
    finished_ = true;
    if (any_bytes_ && last_byte_ != '\n') ++stats_.lines;
    if (!started_) {
      if (!DecideStart(/*at_end=*/true)) return Status::Ok();  // empty or blank input
      std::string head = std::move(head_);
      head_.clear();
      Dispatch(head);
      if (!failed_.ok()) return failed_;
    }
    if (format_ == ImportFormat::kJsonl)
      JsonlFinish();
    else
      CsvFinish();
    if (failed_.ok()) Flush();
    return failed_;
  }

  const ImportStats& stats() const { return stats_; }
  ImportFormat format() const { return format_; }

 private:
  // ------------------------------------------------------------ start: BOM and sniffing

  //! Strips a BOM from head_ and decides the format. False while more bytes are needed.
  bool DecideStart(bool at_end) {
    if (!bom_checked_) {
      const std::size_t n = std::min(head_.size(), kBom.size());
      if (head_.compare(0, n, kBom.substr(0, n)) == 0) {
        if (head_.size() < kBom.size() && !at_end) return false;  // could still be a BOM
        if (head_.size() >= kBom.size()) head_.erase(0, kBom.size());
      }
      bom_checked_ = true;
    }
    if (format_ == ImportFormat::kAuto) {
      const auto it = std::find_if(head_.begin(), head_.end(), [](char c) { return !IsSpace(c); });
      if (it == head_.end()) return false;  // blank so far
      format_ = *it == '{' ? ImportFormat::kJsonl : ImportFormat::kCsv;
    }
    if (format_ == ImportFormat::kCsv && !DecideDelimiter(at_end)) return false;
    started_ = true;
    return true;
  }

  //! The header line decides the delimiter: ',' (RFC 4180), or ';' when it has more semicolons
  //! than commas, as spreadsheets write CSV in locales with a decimal comma (such as id-ID).
  bool DecideDelimiter(bool at_end) {
    const auto first = std::find_if(head_.begin(), head_.end(), [](char c) { return !IsSpace(c); });
    if (first == head_.end() && !at_end) return false;
    const std::size_t begin = first - head_.begin();
    const std::size_t nl = head_.find('\n', begin);
    if (nl == std::string::npos && !at_end && head_.size() - begin <= options_.max_line_bytes)
      return false;  // wait for the whole header line
    const std::size_t end = std::min(nl, head_.size());
    int commas = 0, semicolons = 0;
    bool quoted = false;
    for (std::size_t i = begin; i < end; ++i) {
      const char c = head_[i];
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      commas += c == ',';
      semicolons += c == ';';
    }
    csv_delim_ = semicolons > commas ? ';' : ',';
    return true;
  }

  void Dispatch(std::string_view data) {
    if (format_ == ImportFormat::kJsonl)
      JsonlFeed(data);
    else
      CsvFeed(data);
  }

  // ------------------------------------------------------------ batches

  void AddMention(std::int64_t line, MentionInput&& m) {
    batch_.mentions.push_back(std::move(m));
    batch_.lines.push_back(line);
    ++stats_.accepted;
    if (batch_.mentions.size() >= options_.batch_size) Flush();
  }

  void AddError(std::int64_t line, ImportErrorCode code, std::string_view field,
                std::string reason) {
    batch_.errors.push_back(ImportError{line, code, std::string(field), std::move(reason)});
    ++stats_.rejected;
    if (batch_.errors.size() >= options_.batch_size) Flush();
  }

  void AddError(std::int64_t line, Rejection&& r) {
    AddError(line, r.code, r.field, std::move(r.reason));
  }

  void Flush() {
    if (batch_.empty() || !failed_.ok()) return;
    ParsedBatch out = std::move(batch_);
    batch_ = ParsedBatch{};
    batch_.mentions.reserve(std::min<std::size_t>(options_.batch_size, 8192));
    batch_.lines.reserve(std::min<std::size_t>(options_.batch_size, 8192));
    Status s = on_batch_(std::move(out));
    if (!s.ok()) failed_ = std::move(s);
  }

  // ------------------------------------------------------------ JSONL

  void JsonlFeed(std::string_view data) {
    while (!data.empty() && failed_.ok()) {
      const void* nl = std::memchr(data.data(), '\n', data.size());
      if (nl == nullptr) {
        JsonlAppend(data);
        return;
      }
      const std::size_t len = static_cast<const char*>(nl) - data.data();
      if (line_buf_.empty() && !line_oversized_) {
        JsonlLine(data.substr(0, len));  // zero-copy path: the whole line is in this chunk
      } else {
        JsonlAppend(data.substr(0, len));
        JsonlLine(line_buf_);
        line_buf_.clear();
      }
      line_oversized_ = false;
      ++line_no_;
      data.remove_prefix(len + 1);
    }
  }

  //! Keeps part of a line that continues in the next chunk, dropping it once it is too long.
  void JsonlAppend(std::string_view part) {
    if (line_oversized_) return;
    if (line_buf_.size() + part.size() > options_.max_line_bytes + 1) {  // +1 for a '\r'
      line_oversized_ = true;
      line_buf_.clear();
      line_buf_.shrink_to_fit();
      return;
    }
    line_buf_.append(part);
  }

  void JsonlFinish() {
    if (line_oversized_ || !line_buf_.empty()) {
      JsonlLine(line_buf_);
      line_buf_.clear();
      line_oversized_ = false;
    }
  }

  std::string LineTooLong() const {
    return "line is longer than the limit of " + std::to_string(options_.max_line_bytes) + " bytes";
  }

  void JsonlLine(std::string_view line) {
    if (line_oversized_) {
      AddError(line_no_, ImportErrorCode::kLineTooLong, "", LineTooLong());
      return;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlank(line)) return;
    if (line.size() > options_.max_line_bytes) {
      AddError(line_no_, ImportErrorCode::kLineTooLong, "", LineTooLong());
      return;
    }
    // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse from a padded copy.
    if (json_buf_.size() < line.size() + simdjson::SIMDJSON_PADDING)
      json_buf_.resize(line.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(json_buf_.data(), line.data(), line.size());

    simdjson::dom::element doc;
    const simdjson::error_code ec =
        json_parser_.parse(json_buf_.data(), line.size(), /*realloc_if_needed=*/false).get(doc);
    if (ec == simdjson::UTF8_ERROR) {
      AddError(line_no_, ImportErrorCode::kInvalidUtf8, "",
               "not valid UTF-8 (the file must be UTF-8 encoded)");
      return;
    }
    if (ec) {
      AddError(line_no_, ImportErrorCode::kInvalidJson, "",
               std::string("not valid JSON: ") + simdjson::error_message(ec));
      return;
    }
    simdjson::dom::object obj;
    if (doc.get_object().get(obj)) {
      AddError(line_no_, ImportErrorCode::kNotAnObject, "",
               "expected a JSON object, got " + std::string(TypeName(doc.type())));
      return;
    }

    RawFields raw;
    Rejection error;
    if (!JsonFields(obj, &raw, &error)) {
      AddError(line_no_, std::move(error));
      return;
    }
    MentionInput m;
    if (!BuildMention(raw, /*csv=*/false, &m, &error)) {
      AddError(line_no_, std::move(error));
      return;
    }
    AddMention(line_no_, std::move(m));
  }

  static bool JsonFields(simdjson::dom::object obj, RawFields* raw, Rejection* error) {
    for (auto field : obj) {
      const std::string_view key = field.key;
      const simdjson::dom::element v = field.value;
      bool ok = true;
      if (key == "text") {
        ok = JsonString("text", v, &raw->text, error);
      } else if (key == "platform") {
        ok = JsonString("platform", v, &raw->platform, error);
      } else if (key == "external_id") {
        ok = JsonId("external_id", v, &raw->external_id, &raw->external_id_buf, error);
      } else if (key == "created_at") {
        ok = JsonString("created_at", v, &raw->created_at, error);
      } else if (key == "author") {
        if (v.is_null()) continue;
        simdjson::dom::object author;
        if (v.get_object().get(author)) {
          return Reject(error, ImportErrorCode::kWrongType, "author",
                        "author: must be an object with \"handle\" and \"name\", got " +
                            std::string(TypeName(v.type())));
        }
        for (auto af : author) {
          const std::string_view ak = af.key;
          if (ak == "handle")
            ok = JsonString("author.handle", af.value, &raw->author_handle, error);
          else if (ak == "name")
            ok = JsonString("author.name", af.value, &raw->author_name, error);
          else if (ak == "followers")
            ok = JsonCount("author.followers", af.value, &raw->author_followers, error);
          if (!ok) return false;
        }
      } else if (key == "author_handle") {  // flat form, as in CSV
        ok = JsonString("author_handle", v, &raw->author_handle, error);
      } else if (key == "author_name") {
        ok = JsonString("author_name", v, &raw->author_name, error);
      } else if (key == "author_followers") {
        ok = JsonCount("author_followers", v, &raw->author_followers, error);
      } else if (key == "url") {
        ok = JsonString("url", v, &raw->url, error);
      } else if (key == "agency") {
        ok = JsonString("agency", v, &raw->agency, error);
      } else if (key == "kind") {
        ok = JsonString("kind", v, &raw->kind, error);
      } else if (key == "in_reply_to") {
        ok = JsonId("in_reply_to", v, &raw->in_reply_to, &raw->in_reply_to_buf, error);
      } else if (key == "shared_from") {
        ok = JsonId("shared_from", v, &raw->shared_from, &raw->shared_from_buf, error);
      } else if (key == "shares") {
        ok = JsonCount("shares", v, &raw->shares, error);
      } else if (key == "likes") {
        ok = JsonCount("likes", v, &raw->likes, error);
      } else if (key == "replies") {
        ok = JsonCount("replies", v, &raw->replies, error);
      }  // unknown fields are ignored: exports carry extra fields
      if (!ok) return false;
    }
    return true;
  }

  // ------------------------------------------------------------ CSV (RFC 4180)

  enum class CsvState {
    kFieldStart,     // at the first byte of a field
    kUnquoted,       // inside a field that did not start with '"'
    kQuoted,         // inside "..."
    kQuoteInQuoted,  // saw '"' inside "...": either "" or the closing quote
    kAfterCloseCr,   // saw "\r" after the closing quote
  };

  std::string& CurField() {
    if (nfields_ == fields_.size()) fields_.emplace_back();
    return fields_[nfields_];
  }

  void CsvAppend(std::string_view s) {
    record_bytes_ += s.size();
    if (record_bytes_ > options_.max_line_bytes) {
      record_oversized_ = true;
      return;
    }
    CurField().append(s);
  }

  void CsvBeginRecordIfNeeded() {
    if (!in_record_) {
      in_record_ = true;
      record_line_ = line_no_;
      record_quoted_ = false;
    }
  }

  void CsvEndField() {
    CurField();  // materialise an empty field
    ++nfields_;
    if (nfields_ < fields_.size()) fields_[nfields_].clear();
  }

  void CsvFeed(std::string_view data) {
    const char* p = data.data();
    const char* const end = p + data.size();
    while (p < end && failed_.ok()) {
      const char c = *p;
      CsvBeginRecordIfNeeded();
      switch (csv_state_) {
        case CsvState::kFieldStart:
          if (c == '"') {
            csv_state_ = CsvState::kQuoted;
            record_quoted_ = true;
            ++p;
            continue;
          }
          csv_state_ = CsvState::kUnquoted;
          [[fallthrough]];
        case CsvState::kUnquoted: {
          if (c == csv_delim_) {
            CsvEndField();
            csv_state_ = CsvState::kFieldStart;
            ++p;
          } else if (c == '\n') {
            std::string& f = CurField();
            if (!f.empty() && f.back() == '\r') f.pop_back();
            CsvEndRecord();
            ++line_no_;
            ++p;
          } else {
            const char* q = p;
            while (q < end && *q != csv_delim_ && *q != '\n') ++q;
            CsvAppend(std::string_view(p, q - p));
            p = q;
          }
          break;
        }
        case CsvState::kQuoted: {
          if (c == '"') {
            csv_state_ = CsvState::kQuoteInQuoted;
            ++p;
          } else {
            const char* q = p;
            while (q < end && *q != '"') {
              if (*q == '\n') ++line_no_;
              ++q;
            }
            CsvAppend(std::string_view(p, q - p));
            p = q;
          }
          break;
        }
        case CsvState::kQuoteInQuoted:
          if (c == '"') {
            CsvAppend("\"");
            csv_state_ = CsvState::kQuoted;
          } else if (c == csv_delim_) {
            CsvEndField();
            csv_state_ = CsvState::kFieldStart;
          } else if (c == '\n') {
            CsvEndRecord();
            ++line_no_;
          } else if (c == '\r') {
            csv_state_ = CsvState::kAfterCloseCr;
          } else {
            record_malformed_ = true;
            CsvAppend(std::string_view(p, 1));
            csv_state_ = CsvState::kUnquoted;
          }
          ++p;
          break;
        case CsvState::kAfterCloseCr:
          if (c == '\n') {
            CsvEndRecord();
            ++line_no_;
          } else if (c == csv_delim_) {
            CsvEndField();
            csv_state_ = CsvState::kFieldStart;
          } else if (c != '\r') {
            record_malformed_ = true;
            CsvAppend(std::string_view(p, 1));
            csv_state_ = CsvState::kUnquoted;
          }
          ++p;
          break;
      }
    }
  }

  void CsvFinish() {
    if (!in_record_) return;
    if (csv_state_ == CsvState::kQuoted) {
      const std::string reason = "unterminated quoted field (a '\"' is missing) at end of file";
      if (header_read_)
        AddError(record_line_, ImportErrorCode::kUnterminatedQuote, "", reason);
      else
        failed_ =
            InvalidArgument("CSV header (line " + std::to_string(record_line_) + "): " + reason);
      CsvResetRecord();
      return;
    }
    if (csv_state_ == CsvState::kUnquoted) {
      std::string& f = CurField();
      if (!f.empty() && f.back() == '\r') f.pop_back();
    }
    CsvEndRecord();
  }

  void CsvResetRecord() {
    nfields_ = 0;
    if (!fields_.empty()) fields_[0].clear();
    in_record_ = false;
    record_bytes_ = 0;
    record_oversized_ = false;
    record_malformed_ = false;
    record_quoted_ = false;
    csv_state_ = CsvState::kFieldStart;
  }

  void CsvEndRecord() {
    CsvEndField();
    const std::size_t n = nfields_;
    const std::int64_t line = record_line_;
    const bool blank = n == 1 && !record_quoted_ && IsBlank(fields_[0]);
    if (blank) {
      CsvResetRecord();
      return;
    }
    std::string broken;
    ImportErrorCode broken_code = ImportErrorCode::kLineTooLong;
    if (record_oversized_) {
      broken = "record is more than " + std::to_string(options_.max_line_bytes) +
               " bytes long (is a closing quote missing?)";
    } else if (record_malformed_) {
      broken_code = ImportErrorCode::kMalformedQuote;
      broken =
          "malformed quoted field: a closing '\"' must be followed by the delimiter or the "
          "end of the line (write \"\" for a quote inside a quoted field)";
    }
    if (!broken.empty()) {
      if (header_read_)
        AddError(line, broken_code, "", std::move(broken));
      else
        failed_ = InvalidArgument("CSV header (line " + std::to_string(line) + "): " + broken);
    } else if (!header_read_) {
      CsvHeader(n);
    } else if (n != columns_.size()) {
      AddError(line, ImportErrorCode::kWrongColumnCount, "",
               "expected " + std::to_string(columns_.size()) + " columns as in the header, found " +
                   std::to_string(n));
    } else {
      CsvRow(line);
    }
    CsvResetRecord();
  }

  void CsvHeader(std::size_t n) {
    header_read_ = true;
    columns_.assign(n, Column::kIgnored);
    std::string seen_names;
    std::array<bool, kColumns.size() + 1> have{};  // indexed by Column (kIgnored too)
    for (std::size_t i = 0; i < n; ++i) {
      std::string name(Trim(fields_[i]));
      std::transform(name.begin(), name.end(), name.begin(), Lower);
      if (!seen_names.empty()) seen_names += ", ";
      seen_names += Quote(name);
      for (const auto& [col_name, col] : kColumns) {
        if (name != col_name) continue;
        if (have[static_cast<int>(col)]) {
          failed_ = InvalidArgument("CSV header (line " + std::to_string(record_line_) +
                                    "): column " + Quote(name) + " appears twice");
          return;
        }
        have[static_cast<int>(col)] = true;
        columns_[i] = col;
      }
    }
    std::string missing;
    for (const auto& [col_name, col] : kRequiredColumns) {
      if (have[static_cast<int>(col)]) continue;
      if (!missing.empty()) missing += ", ";
      missing += col_name;
    }
    if (!missing.empty()) {
      failed_ = InvalidArgument(
          "CSV header (line " + std::to_string(record_line_) + ") lacks required column(s) " +
          missing + "; found " + seen_names +
          ". The first row must name the columns: platform, external_id, author_handle, text, "
          "created_at are required (see docs/import-format.md)");
    }
  }

  void CsvRow(std::int64_t line) {
    RawFields raw;
    Rejection error;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string_view cell = fields_[i];
      bool ok = true;
      switch (columns_[i]) {
        case Column::kIgnored:
          break;
        case Column::kPlatform:
          raw.platform = cell;
          break;
        case Column::kExternalId:
          raw.external_id = cell;
          break;
        case Column::kUrl:
          raw.url = cell;
          break;
        case Column::kAuthorHandle:
          raw.author_handle = cell;
          break;
        case Column::kAuthorName:
          raw.author_name = cell;
          break;
        case Column::kText:
          raw.text = cell;
          break;
        case Column::kCreatedAt:
          raw.created_at = cell;
          break;
        case Column::kAgency:
          raw.agency = cell;
          break;
        case Column::kKind:
          raw.kind = cell;
          break;
        case Column::kInReplyTo:
          raw.in_reply_to = cell;
          break;
        case Column::kSharedFrom:
          raw.shared_from = cell;
          break;
        case Column::kShares:
          ok = CsvCount("shares", cell, &raw.shares, &error);
          break;
        case Column::kLikes:
          ok = CsvCount("likes", cell, &raw.likes, &error);
          break;
        case Column::kReplies:
          ok = CsvCount("replies", cell, &raw.replies, &error);
          break;
        case Column::kAuthorFollowers:
          ok = CsvCount("author_followers", cell, &raw.author_followers, &error);
          break;
      }
      if (!ok) {
        AddError(line, std::move(error));
        return;
      }
    }
    MentionInput m;
    if (!BuildMention(raw, /*csv=*/true, &m, &error)) {
      AddError(line, std::move(error));
      return;
    }
    AddMention(line, std::move(m));
  }

  ImportOptions options_;
  BatchCallback on_batch_;
  ImportFormat format_;
  ImportStats stats_;
  ParsedBatch batch_;
  Status failed_;  // first fatal error; sticky
  bool finished_ = false;
  bool started_ = false;
  bool bom_checked_ = false;
  std::string head_;  // bytes held back until the BOM and the format are known
  char last_byte_ = '\0';
  bool any_bytes_ = false;
  std::int64_t line_no_ = 1;  // physical line of the next byte

  // JSONL
  std::string line_buf_;         // a line split across chunks
  bool line_oversized_ = false;  // the current line passed max_line_bytes; its bytes are dropped
  std::vector<char> json_buf_;   // padded copy for simdjson
  simdjson::dom::parser json_parser_;

  // CSV
  CsvState csv_state_ = CsvState::kFieldStart;
  char csv_delim_ = ',';
  std::vector<std::string> fields_;  // reused across records; the first nfields_ are in use
  std::size_t nfields_ = 0;
  bool in_record_ = false;
  std::int64_t record_line_ = 0;
  std::size_t record_bytes_ = 0;
  bool record_oversized_ = false;
  bool record_malformed_ = false;
  bool record_quoted_ = false;
  bool header_read_ = false;
  std::vector<Column> columns_;
};

MentionImportParser::MentionImportParser(ImportOptions options, BatchCallback on_batch)
    : impl_(std::make_unique<Impl>(options, std::move(on_batch))) {}
MentionImportParser::~MentionImportParser() = default;
Status MentionImportParser::Feed(std::string_view chunk) { return impl_->Feed(chunk); }
Status MentionImportParser::Finish() { return impl_->Finish(); }
const ImportStats& MentionImportParser::stats() const { return impl_->stats(); }
ImportFormat MentionImportParser::format() const { return impl_->format(); }

Result<ParsedBatch> ParseMentionImport(std::string_view data, ImportOptions options) {
  ParsedBatch all;
  options.batch_size = std::numeric_limits<std::size_t>::max();
  MentionImportParser parser(options, [&all](ParsedBatch&& b) {
    for (auto& m : b.mentions) all.mentions.push_back(std::move(m));
    all.lines.insert(all.lines.end(), b.lines.begin(), b.lines.end());
    for (auto& e : b.errors) all.errors.push_back(std::move(e));
    return Status::Ok();
  });
  HUMAS_RETURN_IF_ERROR(parser.Feed(data));
  HUMAS_RETURN_IF_ERROR(parser.Finish());
  return all;
}

}  // namespace humas
