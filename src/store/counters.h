// Counters kept at ingest for the dashboards and alerts (issue 5: "dashboards read rollup
// counters kept at ingest, never a GROUP BY over raw mentions"): per author and UTC day (read by
// SpreadRepository::TopAuthors / Author) and per agency topic and UTC hour (read by the alert
// engine). MentionRepository::UpsertBatch keeps them in the batch's transaction and
// CorrectionRepository::Apply moves corrected labels between them. Backend-neutral.
#pragma once

#include <cstdint>
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
  //! Recomputes the author, observed-reaction and topic counters from the stored mentions (the
  //! source of truth) in one transaction. Slow; admin tool (`humas rollups-rebuild`).
  virtual Status Rebuild() = 0;
};

}  // namespace humas::store
