// Streaming parser for mention imports (JSONL and CSV exports); the format is in
// docs/import-format.md. Bytes go in as chunks of any size, validated MentionInputs come out in
// batches, so neither a 64 MiB upload nor a multi-GB file on the CLI has to be held in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace humas {

//! Stable names: "auto", "jsonl", "csv".
enum class ImportFormat { kAuto, kJsonl, kCsv };
std::string_view ToString(ImportFormat f);
//! Accepts the stable names plus "ndjson" (= jsonl); nullopt for anything else.
std::optional<ImportFormat> ParseImportFormat(std::string_view s);
//! Guesses from a file name: *.jsonl, *.ndjson, *.json → kJsonl; *.csv → kCsv; else kAuto
//! (case-insensitive).
ImportFormat FormatFromFilename(std::string_view path);

//! Why a line was rejected, for programs and translations (the API sends ToString() as "code";
//! the list is in docs/import-format.md). Stable: never renamed, only added to.
enum class ImportErrorCode {
  // From the parser:
  kInvalidJson,       //!< "invalid_json": the JSONL line is not a single JSON value
  kNotAnObject,       //!< "not_an_object": the JSONL line is JSON, but not an object
  kInvalidUtf8,       //!< "invalid_utf8": not UTF-8 (field: the CSV column; empty for a JSONL line)
  kLineTooLong,       //!< "line_too_long": line or record over ImportOptions::max_line_bytes
  kWrongColumnCount,  //!< "wrong_column_count": CSV record with more or fewer fields than the
                      //!< header
  kMalformedQuote,    //!< "malformed_quote": CSV closing quote not followed by delimiter/line end
  kUnterminatedQuote,  //!< "unterminated_quote": CSV quoted field still open at the end of the file
  kMissingField,       //!< "missing_field": required field absent or blank (field: all of them)
  kWrongType,          //!< "wrong_type": JSON value of the wrong type (e.g. "likes": "12")
  kInvalidValue,       //!< "invalid_value": unknown platform or kind, bad URL or agency code,
                       //!< counter that is negative, not a number or too large
  kInvalidTime,        //!< "invalid_time": created_at is not RFC 3339 with an offset
  kTooLong,            //!< "too_long": a field over its length limit
  // From ingest (resolving the agency; field "agency"):
  kUnknownAgency,     //!< "unknown_agency": no agency has that code
  kAgencyOutOfScope,  //!< "agency_out_of_scope": not one of the caller's agencies
  kAgencyRequired,    //!< "agency_required": no agency given and the caller needs one
};
//! The stable snake_case name, e.g. "invalid_json".
std::string_view ToString(ImportErrorCode c);

//! One rejected line (JSONL) or record (CSV). The line is 1-based and physical: for a CSV record
//! with quoted newlines it is the line where the record starts.
struct ImportError {
  std::int64_t line = 0;
  ImportErrorCode code = ImportErrorCode::kInvalidValue;
  //! The field concerned as spelled in the input ("created_at", "author.handle" in JSONL,
  //! "author_handle" in CSV); empty when the whole line is at fault. For kMissingField, every
  //! missing field, separated by ", ".
  std::string field;
  //! English detail for people, e.g. "created_at: invalid RFC 3339 time ..." (no "line N:" prefix).
  std::string reason;
  //! "line 7: created_at: ..."
  std::string ToString() const;
};

//! What one callback receives. mentions[i] came from lines[i].
struct ParsedBatch {
  std::vector<MentionInput> mentions;
  std::vector<std::int64_t> lines;
  std::vector<ImportError> errors;
  bool empty() const { return mentions.empty() && errors.empty(); }
};

struct ImportOptions {
  ImportFormat format = ImportFormat::kAuto;
  //! A batch goes to the callback when it holds this many mentions or this many errors.
  std::size_t batch_size = 5000;
  //! Longer lines (JSONL) or records (CSV) are rejected without being kept in memory.
  std::size_t max_line_bytes = std::size_t{1} << 20;
};

//! Running totals, readable at any time.
struct ImportStats {
  std::int64_t lines = 0;     //!< physical lines seen (a last line without '\n' counts)
  std::int64_t accepted = 0;  //!< mentions emitted
  std::int64_t rejected = 0;  //!< errors emitted
};

//! Limits of the import format (docs/import-format.md).
inline constexpr std::size_t kMaxExternalIdChars = 200;
inline constexpr std::size_t kMaxTextBytes = 100'000;

//! Parses a stream of JSONL or CSV bytes into mentions.
//!
//! Usage: construct, call Feed() with consecutive chunks (any split, even byte by byte), then
//! Finish() once. Results do not depend on how the input was split. Per-line problems are not
//! failures: they are reported as ImportErrors in the batches and parsing goes on. A non-OK Status
//! from Feed()/Finish() means the whole import failed (a CSV header without a required column, or
//! the callback returned an error); after that every call returns the same Status and the callback
//! is not called again.
//!
//! The parser keeps no duplicate detection: two lines with the same (platform, external_id) both
//! come out; de-duplication is the store's job. Not thread-safe; one instance per stream.
class MentionImportParser {
 public:
  //! Receives each batch (never an empty one). Returning an error aborts the import with it.
  using BatchCallback = std::function<Status(ParsedBatch&& batch)>;

  MentionImportParser(ImportOptions options, BatchCallback on_batch);
  ~MentionImportParser();
  MentionImportParser(const MentionImportParser&) = delete;
  MentionImportParser& operator=(const MentionImportParser&) = delete;

  //! Consumes the next bytes of the stream. May call the callback zero or more times.
  Status Feed(std::string_view chunk);
  //! Ends the stream: parses a last line without a trailing newline and flushes the last batch.
  //! Calling Feed() afterwards is a FailedPrecondition.
  Status Finish();

  const ImportStats& stats() const;
  //! kJsonl or kCsv once known (explicit, or sniffed from the first non-blank byte); kAuto before.
  ImportFormat format() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

//! Convenience for small inputs and tests: parses all of `data` and returns everything in one
//! batch (batch_size is ignored). Fails as Feed()/Finish() would.
Result<ParsedBatch> ParseMentionImport(std::string_view data, ImportOptions options = {});

}  // namespace humas
