// Agency queries (social listening): what each agency watches, and the per-query counters kept at
// ingest. Matches themselves are written by MentionRepository::UpsertBatch (Mention::query_ids)
// in the mention batch's transaction; mention searches filter by MentionFilter::query_id.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "store/store.h"

namespace humas::store {

//! Stable language codes of the language filter: Indonesian, English, anything else/undetected.
inline constexpr const char* kQueryLanguages[] = {"id", "en", "other"};

struct AgencyQuery {
  Id id = 0;
  Id agency_id = 0;
  std::string name;
  std::string expression;              //!< search/agency_query.h syntax, validated by callers
  std::vector<Platform> platforms;     //!< empty = every platform
  std::vector<std::string> languages;  //!< values of kQueryLanguages; empty = every language
  bool active = true;
  std::optional<Id> created_by;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::int64_t version = 1;  //!< raised by every update (optimistic concurrency)
};

struct AgencyQueryFilter {
  std::string q;  //!< substring of the name or expression (case-insensitive)
  std::optional<Id> agency_id;
  std::optional<bool> active;
  std::optional<std::vector<Id>> agency_ids;  //!< scope; nullopt = every agency
};

//! Matches of one query in one UTC hour with one sentiment ("" = unlabelled).
struct QueryHourCount {
  Id query_id = 0;
  UnixMillis hour = 0;
  std::string sentiment;
  std::int64_t count = 0;
};

//! Which stored mentions a preview may look at: newest first, at most `max_scan` of them.
struct MentionScanScope {
  std::optional<std::vector<Id>> agency_ids;  //!< nullopt = every agency
  bool include_unassigned = true;
  std::optional<Platform> platform;
  std::int64_t max_scan = 20000;
};

class QueryRepository {
 public:
  virtual ~QueryRepository() = default;
  //! Sets id, created_at, updated_at, version = 1. AlreadyExists when the agency already has a
  //! query of that name (case-insensitive).
  virtual Status Create(AgencyQuery* query) = 0;
  //! Replaces name, expression, platforms, languages and active when the stored version equals
  //! query->version; then raises version and sets updated_at in *query. Conflict when the stored
  //! version differs (someone else saved first), NotFound when absent, AlreadyExists on a name
  //! clash. agency_id, created_by and created_at never change.
  virtual Status Update(AgencyQuery* query) = 0;
  //! Removes the query with its matches and counters. NotFound when absent.
  virtual Status Delete(Id id) = 0;
  virtual Result<AgencyQuery> Get(Id id) = 0;
  //! By agency, then name.
  virtual Result<ListResult<AgencyQuery>> List(const AgencyQueryFilter& filter,
                                               const Page& page) = 0;
  //! Every active query of every agency (what the intake matcher compiles).
  virtual Result<std::vector<AgencyQuery>> AllActive() = 0;
  //! Counter rows of these queries with since <= hour < until, ordered by query, hour, sentiment.
  virtual Result<std::vector<QueryHourCount>> Hourly(const std::vector<Id>& query_ids,
                                                     UnixMillis since, UnixMillis until) = 0;
  //! Calls `fn` with stored mentions in scope, newest first, until it returns false or max_scan
  //! mentions were seen. Returns how many were seen.
  virtual Result<std::int64_t> ScanRecent(const MentionScanScope& scope,
                                          const std::function<bool(const Mention&)>& fn) = 0;
};

}  // namespace humas::store
