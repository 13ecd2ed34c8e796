// The compiled matcher of social listening: every active query of every agency, compiled into
// one multi-literal matcher, so each mention costs one multi-pattern pass plus a boolean
// evaluation of only the queries one of whose terms occurred. The pass is a byte trie of the
// literals walked from each word start of the match stream (every literal begins with a space, so
// a match can only begin there); a Hyperscan database of the same literals, compiled on first use,
// is the reference the tests hold it to and the benchmark's baseline.
//
// How text is matched. A mention is folded (NFKC + case folding, search::FoldForMatch) and
// rewritten as a "match stream": its words separated by single spaces, with hashtags kept as
// "#tag" and accounts named in the text as "@name", then "|" and the author as "@handle":
//   "Dinkes Berau: vaksinasi #Covid19 bersama @bupati_berau!"  by @warga1
//   → " dinkes berau vaksinasi #covid19 bersama @bupati_berau | @warga1 "
// Every term becomes space-delimited literals, which gives exact word boundaries:
//   word w → " w " and " #w "; prefix w* → " w" and " #w"; phrase "a b" → " a b ";
//   #tag → " #tag "; @name → " @name " (in the text or as the author).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "search/agency_query.h"
#include "store/queries.h"

namespace humas::listening {

//! The match stream of a text and its author (see above).
std::string MatchStream(std::string_view text, std::string_view author_handle);
//! The same for text already folded with search::FoldForMatch.
std::string MatchStreamOfFolded(std::string_view folded, std::string_view author_handle);

//! One query as the matcher needs it.
struct QuerySpec {
  Id id = 0;
  search::QueryExpr expr;
  std::vector<Platform> platforms;     //!< empty = every platform
  std::vector<std::string> languages;  //!< "id", "en", "other"; empty = every language
};

//! Parses a stored query into a spec. InvalidArgument when its expression or filters are bad.
Result<QuerySpec> SpecFor(const store::AgencyQuery& query);

//! Checks platform and language filter values; InvalidArgument naming the field otherwise.
Status ValidateLanguages(const std::vector<std::string>& languages);

//! An immutable compiled set of queries. Thread-safe: Match() may run on many threads at once
//! (each thread keeps its own Hyperscan scratch space).
class Matcher {
 public:
  //! Compiles the specs (any number, including none). InvalidArgument for a bad spec.
  static Result<std::shared_ptr<const Matcher>> Compile(std::vector<QuerySpec> specs);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  //! Ids of the queries the mention matches, ascending.
  std::vector<Id> Match(Platform platform, std::string_view text,
                        std::string_view author_handle) const;
  //! The same for text already folded with search::FoldForMatch (intake folds once for matching
  //! and near-duplicate signing).
  std::vector<Id> MatchFolded(Platform platform, std::string_view folded,
                              std::string_view author_handle) const;
  //! The same for a prepared match stream (MatchStream()).
  std::vector<Id> MatchStreamed(Platform platform, std::string_view stream) const;
  //! The same with the literals found by Hyperscan (hs_scan over a database compiled on first
  //! use) instead of the trie: the reference and the benchmark's baseline. Empty on a Hyperscan
  //! failure (logged).
  std::vector<Id> MatchStreamedWithHyperscan(Platform platform, std::string_view stream) const;
  //! Ids of the literals occurring in the stream, by the trie / by Hyperscan, ascending and
  //! distinct (for tests).
  std::vector<unsigned int> LiteralHits(std::string_view stream) const;
  std::vector<unsigned int> HyperscanLiteralHits(std::string_view stream) const;

  size_t query_count() const { return queries_.size(); }
  size_t pattern_count() const { return pattern_terms_.size(); }

 private:
  struct Compiled {
    Id id = 0;
    search::QueryExpr expr;
    std::uint64_t platform_mask = 0;                        //!< bit per Platform; 0 = all
    std::uint8_t language_mask = 0;                         //!< bit per nlp::Language; 0 = all
    std::vector<std::vector<std::uint32_t>> term_literals;  //!< literal ids of each term
  };
  //! (query index << 8) | term index, for each trigger term a literal stands for. Triggers are
  //! terms of which at least one must occur for the query to be true (for AND the smallest set
  //! of one child, for OR all children's, never a NOT's): only they make a query a candidate.
  using TermRef = std::uint32_t;

  Matcher() = default;
  //! Appends the ids of the literals occurring in stream to *hits (repeats possible).
  void TrieHits(std::string_view stream, std::vector<unsigned int>* hits) const;
  //! Hyperscan's literal hits into *hits; false on a Hyperscan failure (logged).
  bool ScanHyperscan(std::string_view stream, std::vector<unsigned int>* hits) const;
  //! The queries matched, given the literals found.
  std::vector<Id> Resolve(Platform platform, std::string_view stream,
                          const std::vector<unsigned int>& hits) const;

  //! The literals (each without its leading space) as a byte trie: node 0 is the root, whose
  //! children are found through root_ by byte; every other node's children are the edges
  //! [first_edge, first_edge + edges) sorted by byte. literal >= 0 where a literal ends.
  struct TrieNode {
    std::uint32_t first_edge = 0;
    std::uint32_t edges = 0;
    std::int32_t literal = -1;
  };
  std::vector<TrieNode> nodes_;
  std::vector<std::uint8_t> edge_byte_;
  std::vector<std::uint32_t> edge_child_;
  std::array<std::uint32_t, 256> root_{};  //!< child of the root per byte; 0 = none

  std::vector<std::string> literals_;  //!< by literal id, for the Hyperscan reference
  mutable std::once_flag db_once_;
  mutable void* db_ = nullptr;  //!< hs_database_t*, compiled on first use
  mutable bool db_failed_ = false;
  std::uint64_t serial_ = 0;
  std::vector<Compiled> queries_;
  std::vector<std::vector<TermRef>> pattern_terms_;  //!< by literal id (trigger terms only)
};

//! Holds the current matcher for the intake path and swaps in a new one atomically when queries
//! change: readers always see a complete matcher, old or new, never a half-built one.
class MatcherHolder {
 public:
  MatcherHolder();
  //! The current matcher (never null; empty before the first Rebuild).
  std::shared_ptr<const Matcher> Get() const { return current_.load(); }
  //! Loads every active query from the store, compiles, and publishes the result. A query whose
  //! stored expression no longer parses is skipped and logged (it cannot be saved that way
  //! through the API). Concurrent rebuilds are serialised; the last one wins.
  Status Rebuild(store::QueryRepository& queries);

 private:
  std::mutex rebuild_mu_;
  std::atomic<std::shared_ptr<const Matcher>> current_;
};

//! The intake hook (ingest::QueryMatcher): matches a mention, whose text folded with
//! search::FoldForMatch is `folded`, with the holder's current matcher.
std::function<std::vector<Id>(const Mention&, std::string_view folded)> IntakeMatcher(
    std::shared_ptr<MatcherHolder> holder);

}  // namespace humas::listening
