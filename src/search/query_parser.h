// Parsing of what users type into a search box into a backend-neutral query: words (ANDed),
// "quoted phrases" and -excluded words or phrases. Nothing a user types is ever an operator of
// the search backend: AND, OR, NOT, NEAR, *, ^, :, ( ) are plain text or separators here, and each
// backend renders the parsed query in its own safe syntax (see store/sqlite/fts_query.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace humas::search {

//! A run of tokens that must appear in this order. A single word is a phrase of one token.
//! Tokens are non-empty and contain only letters, digits and other word characters (never
//! quotes, whitespace or ASCII punctuation).
struct Phrase {
  std::vector<std::string> tokens;
  bool operator==(const Phrase&) const = default;
};

//! The user's query: every `required` phrase must match, no `excluded` phrase may.
struct ParsedQuery {
  std::vector<Phrase> required;
  std::vector<Phrase> excluded;
};

//! Limits that keep a query cheap for the backend.
inline constexpr size_t kMaxQueryBytes = 1000;
inline constexpr size_t kMaxQueryTokens = 32;

//! Parses a user query. Rules:
//!  - Words are split at whitespace and ASCII punctuation; a word with inner punctuation
//!    ("covid-19", "bpjs.go.id") becomes a phrase of its parts, as the index tokenises it.
//!  - "double quotes" make a phrase; an unbalanced quote runs to the end of the input.
//!  - A leading '-' (on a word or a quoted phrase) excludes it; '-' alone is ignored.
//!  - Emoji, symbols and Unicode punctuation separate words; letters of any script, digits and
//!    combining marks are word characters. Invalid UTF-8 bytes separate words.
//! InvalidArgument (with a message for the user) when nothing searchable remains, when only
//! exclusions remain, or when the query exceeds the limits above.
Result<ParsedQuery> ParseUserQuery(std::string_view q);

//! Decodes one UTF-8 code point at `s[*i]`, advancing *i and setting *len to the bytes read.
//! Invalid sequences yield U+FFFD and advance one byte, so garbage never stops a scan.
char32_t DecodeUtf8(std::string_view s, size_t* i, size_t* len);

//! True for code points that belong inside a word. An approximation of the Unicode letter/number/
//! mark classes used by tokenisers such as SQLite's unicode61: ASCII letters and digits, and every
//! non-ASCII code point except well-known punctuation, symbol, space and emoji blocks.
bool IsWordChar(char32_t c);

//! Splits `text` into word tokens (runs of IsWordChar code points).
std::vector<std::string> Tokenize(std::string_view text);

}  // namespace humas::search
