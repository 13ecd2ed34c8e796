// RSS 2.0 (and 0.9x), Atom 1.0 (and 0.3) and RSS 1.0 (RDF) parsing over libxml2, tolerant of the
// broken feeds found in the wild and safe against hostile ones: no DTD loading, no network, no
// external or user-declared entity is ever expanded (XXE and "billion laughs" cannot happen; the
// HTML entity names such as &nbsp; that broken feeds use are mapped to their characters), input
// size and nesting are bounded.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace humas::connectors::feed {

struct FeedInfo {
  std::string title;
  std::string link;      //!< the site's address (absolute when a base is known)
  std::string language;  //!< e.g. "id", "en-us"; "" when not given
  std::optional<UnixMillis> updated;
};

struct Entry {
  std::string id;  //!< guid / atom:id / rdf:about ("" when the feed gives none)
  std::string title;
  std::string link;
  std::optional<UnixMillis> published;
  //! The entry's own update time, or its publication time when it gives no other.
  std::optional<UnixMillis> updated;
  std::string author;
  //! Summary (or, when there is none, the content). HTML is kept as text, never interpreted.
  std::string summary;
};

struct Feed {
  //! "rss20" (also 0.91/0.92/0.93/0.94), "rss10", "rss090", "atom10", "atom03".
  std::string format;
  FeedInfo info;
  std::vector<Entry> entries;
  //! The document was not well-formed (or not valid for its format) but was read anyway.
  bool bozo = false;
  std::string bozo_reason;  //!< first problem seen, e.g. "line 3: Opening and ending tag mismatch"
};

struct ParseOptions {
  size_t max_bytes = 16u << 20;  //!< larger documents are refused (ResourceExhausted)
  size_t max_entries = 10000;    //!< entries beyond this are dropped (bozo)
  //! Address the document was fetched from: relative links resolve against it (after xml:base).
  std::string base_url;
  //! Charset from the HTTP Content-Type, overriding the document's declaration ("" = none).
  std::string charset;
};

//! Parses one feed document. InvalidArgument with a one-line reason when it cannot be read as a
//! feed at all (not XML even after recovery, or an XML document of another kind, e.g. HTML);
//! ResourceExhausted when it exceeds max_bytes.
Result<Feed> Parse(std::string_view document, const ParseOptions& options = {});

//! Parses the date formats feeds use: RFC 822/1123 (named zones such as GMT, EST, WIB, military
//! letters, numeric offsets; 2- or 4-digit years; missing seconds; English or Indonesian month
//! names), RFC 3339 / ISO 8601 / W3C-DTF (date only, missing seconds, fractions, 'T' or space,
//! no zone = UTC), and a few common variants. nullopt for anything else (garbage → empty).
std::optional<UnixMillis> ParseDate(std::string_view text);

//! Plain text from an HTML fragment (feed summaries, Mastodon status content): tags dropped
//! (each becomes a space), the common entities decoded, white space folded.
std::string PlainText(std::string_view html);

//! RFC 3339 UTC with second precision, e.g. "2026-11-23T14:00:00Z".
std::string FormatDate(UnixMillis t);

//! The `humas feed-parse` output: {"feed": {"title","link","language","updated"}, "entries":
//! [{"id","title","link","published","updated","author","summary"}]}; missing values are "".
//! `diagnostics` adds "format", "bozo" and "bozo_reason" at the top level.
std::string ToJson(const Feed& feed, bool diagnostics = false);

}  // namespace humas::connectors::feed
