// The SQLite side of store/counters.h (internal to src/store/sqlite): the per-batch aggregation
// that MentionRepository::UpsertBatch feeds (rollups_batch.cc) and the repository reading and
// rebuilding the counters (rollups_repo.cc). Tables: migration 0016.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/counters.h"
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {

//! Adds to one agency topic counter (?1 agency, ?2 hour, ?3 sentiment, ?4 delta).
inline constexpr char kSqlTopicAdd[] =
    "INSERT INTO agency_topic_hourly (agency_id, hour, sentiment, count) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (agency_id, hour, sentiment) DO UPDATE SET count = count + excluded.count";

//! Start of the UTC day containing t (floor, also before 1970): the author counters' bucket.
UnixMillis DayOf(UnixMillis t);
//! SQLite's lower(): ASCII letters only (the author counters' key).
std::string AsciiLower(std::string_view s);

//! How a mention counts for its author (store/spread.h AuthorActivity).
struct MentionClass {
  bool share = false;
  bool reply = false;
  bool critical = false;  //!< a reply labelled negative or of kind kritik/keluhan
};
MentionClass ClassOf(const MentionInput& d);
MentionClass ClassOf(bool has_shared_from, bool has_in_reply_to, std::string_view kind,
                     std::string_view sentiment, std::string_view input_kind);

//! The counters of one UpsertBatch, aggregated in memory and written by Flush with one UPSERT per
//! counter key. Feed every stored row in batch order, then Flush inside the batch's transaction
//! after every mention row was written (children and parents of the same batch are then both
//! visible, and each reply/share is counted for its parent exactly once).
class RollupBatch {
 public:
  //! A mention this batch inserted; `m` must outlive Flush.
  void Inserted(Id id, const Mention& m) { inserted_.push_back({id, &m}); }
  //! A stored mention whose reported engagement this batch raised, with the counts before and
  //! after (after = the stored maxima).
  void Raised(Id id, std::int64_t old_shares, std::int64_t old_likes, std::int64_t old_replies,
              std::int64_t new_shares, std::int64_t new_likes, std::int64_t new_replies);
  //! An inserted mention flagged as a near-duplicate of `of` (its cluster), in `agency` (0 = none).
  void Copied(Id of, Id agency) { ++copies_[{of, agency}]; }
  Status Flush(Connection& conn);

 private:
  struct Engagement {
    std::int64_t shares = 0, likes = 0, replies = 0;
  };
  struct Raise {
    Engagement before, after;
  };
  struct New {
    Id id;
    const Mention* m;
  };
  std::vector<New> inserted_;
  std::unordered_map<Id, Raise> raised_;
  std::map<std::pair<Id, Id>, std::int64_t> copies_;  //!< (cluster, agency) -> new copies
};

class SqliteCounterRepository final : public CounterRepository {
 public:
  explicit SqliteCounterRepository(Context ctx) : ctx_(ctx) {}
  Result<std::vector<TopicHourCount>> TopicCountsAt(const std::vector<UnixMillis>& hours) override;
  Result<std::int64_t> NearDuplicateCopies(Id of, const std::optional<std::vector<Id>>& agency_ids,
                                           bool include_unassigned) override;
  Status Rebuild() override;

 private:
  Context ctx_;
};

//! A counter table for RebuildCounterTables: key columns, additive columns, and columns kept as
//! the max or min of what was seen (with the value that changes nothing, for rows only removed).
struct CounterTable {
  struct Kept {
    std::string column, op, neutral;  //!< op "max" or "min"
  };
  std::string name;
  std::vector<std::string> keys;
  std::vector<std::string> sums;
  std::vector<Kept> kept;
};

//! The statements that recount the hourly rollups / the counters of migrations 0016 and 0028
//! (their backfill sections) from the stored mentions.
std::string HourlyRollupBackfill();
Result<std::string> IngestCounterBackfill();

//! Rows per write transaction of a rebuild.
inline constexpr int kRebuildChunkRows = 5000;

//! The counter tables of migrations 0016 and 0028 and the hourly sentiment rollups.
const std::vector<CounterTable>& IngestCounterTables();
const CounterTable& HourlyRollupTable();

//! Recomputes `tables` from the stored mentions with `backfill` (statements "INSERT INTO <table>
//! ... SELECT" over the mentions, as in the migrations) while intake keeps going: the recount and
//! a copy of the live counters are taken in one read snapshot (no write lock), and the difference
//! is added to the live counters in write transactions of at most `chunk_rows` rows each, so
//! counts written meanwhile are kept (rollups_rebuild.cc). `after_snapshot` (tests) runs between
//! the snapshot and the first write.
Status RebuildCounterTables(Connection& conn, const std::vector<CounterTable>& tables,
                            std::string backfill, int chunk_rows,
                            const std::function<void()>& after_snapshot = {});

//! Moves one mention's author between critical and other replies (author_daily
//! critical_replies) when its labels change from `old_*` to `new_*` (corrections and edits).
Status MoveCriticalReply(Connection& conn, Id mention_id, std::string_view old_sentiment,
                         std::string_view old_kind, std::string_view new_sentiment,
                         std::string_view new_kind);

//! Moves one mention between the counters after a label correction (in the correction's
//! transaction): the topic counts of each agency whose queries it matched, the per-query counts,
//! and its author's critical replies. `old_*`/`new_*` are the labels before and after.
Status MoveCorrectedLabels(Connection& conn, Id mention_id, std::string_view old_sentiment,
                           std::string_view old_kind, std::string_view new_sentiment,
                           std::string_view new_kind);

}  // namespace humas::store::sqlite
