// Structured logs: one JSON object per line on stderr, safe to call from any thread.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace humas {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

//! A key and an already-formatted value; numbers stay numbers in the JSON output.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v), quoted(true) {}
  LogField(std::string_view k, const char* v) : key(k), value(v), quoted(true) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v), quoted(true) {}
  template <typename N, typename = std::enable_if_t<std::is_arithmetic_v<N>>>
  LogField(std::string_view k, N v) : key(k), value(std::to_string(v)), quoted(false) {}
  std::string key;
  std::string value;
  bool quoted;
};

//! Minimum level that is written (default kInfo). Set once at start-up.
void SetLogLevel(LogLevel level);
//! Writes {"ts":..., "level":..., "event":..., fields...} as one line to stderr.
void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

//! Appends `s` to `out` as JSON string content (without quotes), escaping as RFC 8259 requires.
void AppendJsonEscaped(std::string* out, std::string_view s);

}  // namespace humas
