// Counters kept at ingest for the dashboards and alerts (issue 5: "dashboards read rollup
// counters kept at ingest, never a GROUP BY over raw mentions"): per author and UTC day (read by
// SpreadRepository::TopAuthors / Author) and per agency topic and UTC hour (read by the alert
// engine), and near-duplicate cluster sizes (read by the mention detail).
// MentionRepository::UpsertBatch keeps them in the batch's transaction and
// CorrectionRepository::Apply moves corrected labels between them. Backend-neutral.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace humas::store {

//! Distinct mentions of one UTC hour with one sentiment ("" = unlabelled) that matched at least
//! one of an agency's queries at intake: a mention matching two of its queries counts once.
struct TopicHourCount {
  Id agency_id = 0;
  UnixMillis hour = 0;
  std::string sentiment;
  std::int64_t count = 0;
};

class CounterRepository {
 public:
  virtual ~CounterRepository() = default;
  //! Every agency's topic counts in the given hours (hour starts).
  virtual Result<std::vector<TopicHourCount>> TopicCountsAt(
      const std::vector<UnixMillis>& hours) = 0;
  //! How many mentions were stored as near-duplicates of `of` (its cluster's copies), counting
  //! only copies of the given agencies (nullopt = all) and, with include_unassigned, copies
  //! without an agency. Read from the counter kept when a copy is stored (no row count).
  virtual Result<std::int64_t> NearDuplicateCopies(Id of,
                                                   const std::optional<std::vector<Id>>& agency_ids,
                                                   bool include_unassigned) = 0;
  //! Recomputes the author, observed-reaction, topic and near-duplicate counters from the stored
  //! mentions (the source of truth). Slow; admin tool (`humas rollups-rebuild`). Intake keeps
  //! going: one read snapshot, then the difference written in short chunks (RollupRepository).
  virtual Status Rebuild() = 0;
};

}  // namespace humas::store
