// The intake path shared by the file import (API and CLI) and the demo generator: parse, resolve
// agencies, store idempotently in batches, and announce newly stored mentions.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/file/import.h"
#include "core/clock.h"
#include "core/model.h"
#include "ingest/near_dup.h"
#include "store/store.h"

namespace humas::ingest {

struct IngestReport {
  std::int64_t imported = 0;    //!< new mentions stored
  std::int64_t duplicates = 0;  //!< already stored, nothing changed
  std::int64_t updated = 0;     //!< already stored, engagement counts raised or text edited
  std::int64_t rejected = 0;    //!< lines refused (every one is in errors, up to max_errors)
  std::vector<ImportError> errors;
};

//! Called after a batch is durable, once for every mention it newly inserted and once for every
//! stored mention whose text a newer version replaced (an edit: the mention as now stored, with
//! Mention::just_edited and the query_ids it matches now), in input order. In
//! Import()/ImportBytes() it runs on the import's store thread, not on the caller's.
using MentionSink = std::function<void(const Mention&)>;
//! Fills labels of a mention before it is stored (the language engine's seam; may be empty).
using Labeler = std::function<void(MentionInput*)>;
//! Returns the ids of the agency queries a mention matches (social listening; ascending), given
//! the mention and its text folded with search::FoldForMatch (folded once per mention for matching
//! and near-duplicate signing). The result is stored with the mention in the batch's transaction
//! (Mention::query_ids).
using QueryMatcher = std::function<std::vector<Id>(const Mention&, std::string_view folded)>;

//! Who may import what: lines are rejected (with a reason) when they break these rules.
struct IngestPolicy {
  //! Agency for lines that name none (e.g. an officer importing their agency's export).
  std::optional<Id> default_agency;
  //! When set, a line's agency must satisfy it ("outside your agencies" otherwise).
  std::function<bool(Id)> agency_allowed;
  //! Reject lines that end up with no agency (callers who cannot see unassigned mentions).
  bool require_agency = false;
};

//! Where an import's CPU goes, stage by stage (for benchmarks; IngestOptions::stage_times). CPU
//! figures are nanoseconds of the CPU clock of the thread that did the work
//! (CLOCK_THREAD_CPUTIME_ID, read once per batch, or once per chunk in the labelling pool, so
//! keeping them costs a few clock reads per thousand mentions); waits are wall-clock nanoseconds
//! a thread spent blocked. Summed over every import that is given the same object.
struct IngestStageTimes {
  std::atomic<std::int64_t> mentions{0};  //!< mentions that reached the labelling stage
  // The caller's thread (the parser's).
  std::atomic<std::int64_t> caller_total{0};  //!< its CPU over the whole import
  std::atomic<std::int64_t> parse{0};         //!< JSONL/CSV parsing: caller_total minus the rest
  std::atomic<std::int64_t> prepare{0};       //!< agency resolution, policy, Mention building
  std::atomic<std::int64_t> label{0};  //!< labels, fold, matching, signing: every pool thread's
  std::atomic<std::int64_t> label_caller{0};   //!< of `label`, done on the caller's thread
  std::atomic<std::int64_t> label_handoff{0};  //!< caller's CPU in the pool outside the chunks
  std::atomic<std::int64_t> label_wait{0};     //!< wall: caller waiting for the pool's last chunks
  std::atomic<std::int64_t> push{0};       //!< CPU handing the batch to the near-duplicate thread
  std::atomic<std::int64_t> push_wait{0};  //!< wall: blocked on a full queue (back-pressure)
  // The near-duplicate thread (the caller's own, when not pipelined).
  std::atomic<std::int64_t> near_dup{0};        //!< look-up and add (FlagNearDuplicates)
  std::atomic<std::int64_t> flag_total{0};      //!< the thread's CPU over its life
  std::atomic<std::int64_t> flag_wait{0};       //!< wall: waiting for a labelled batch
  std::atomic<std::int64_t> flag_push_wait{0};  //!< wall: blocked on the store's full queue
  // The store thread (the caller's own, when not pipelined).
  std::atomic<std::int64_t> commit{0};       //!< Commit(): near-dup naming, UpsertBatch, announce
  std::atomic<std::int64_t> upsert{0};       //!< of `commit`, in MentionRepository::UpsertBatch
  std::atomic<std::int64_t> store_total{0};  //!< the store thread's CPU over its life
  std::atomic<std::int64_t> store_wait{0};   //!< wall: the store thread waiting for a batch
};

//! How an import overlaps its stages.
struct IngestOptions {
  //! Import()/ImportBytes() store batch N on a store thread while a near-duplicate thread flags
  //! batch N+1 and batch N+2 is parsed, labelled and matched (a bounded pipeline). false = one
  //! batch at a time on the caller's thread.
  bool pipelined = true;
  //! Labelled batches waiting before the parser blocks (back-pressure: memory stays at a few
  //! batches whatever the input size): one for the near-duplicate thread, the rest (at least one)
  //! for the store thread.
  size_t max_queued_batches = 2;
  //! When set, the import adds its CPU time by stage here (off by default: `humas serve` leaves
  //! it null and reads no clocks).
  IngestStageTimes* stage_times = nullptr;
};

//! Not thread-safe; create one per import. Cheap to construct.
class Ingestor {
 public:
  Ingestor(store::Store& store, const Clock& clock, MentionSink on_new = {}, Labeler labeler = {},
           IngestPolicy policy = {});

  //! Matches every mention against the agencies' queries before it is stored (see
  //! listening::IntakeMatcher). Every intake path should set it; without it nothing is matched.
  void set_matcher(QueryMatcher matcher) { matcher_ = std::move(matcher); }
  void set_options(IngestOptions options) { options_ = options; }
  //! Flags near-duplicates (Mention::near_duplicate) against this index, shared by every intake
  //! path of the server, and adds every new mention to it. Without it nothing is flagged.
  void set_near_duplicates(std::shared_ptr<NearDuplicateIndex> index) {
    near_dups_ = std::move(index);
  }

  //! Imports a whole stream (JSONL or CSV). Line problems are reported in the result; a
  //! non-OK Status means the import stopped (unreadable CSV header, storage failure): batches
  //! stored before that stay stored, which is safe because storing is idempotent.
  Result<IngestReport> Import(std::istream& in, ImportFormat format, size_t max_errors = 1000);
  Result<IngestReport> ImportBytes(std::string_view data, ImportFormat format,
                                   size_t max_errors = 1000);

  //! Stores already-parsed mentions (e.g. from the demo generator) as one batch on the calling
  //! thread. `lines` may be empty; otherwise lines[i] is used in errors about inputs[i].
  Status StoreBatch(std::vector<MentionInput> inputs, const std::vector<std::int64_t>& lines,
                    IngestReport* report, size_t max_errors = 1000);

 private:
  class BatchStage;
  //! Resolves agencies and applies the policy; refused inputs are counted in `report`.
  Result<std::vector<Mention>> Prepare(std::vector<MentionInput> inputs,
                                       const std::vector<std::int64_t>& lines, IngestReport* report,
                                       size_t max_errors);
  //! Stores a labelled batch durably, counts the outcomes in `report`, opens inbox cases and
  //! announces new mentions. Thread-safe with respect to Prepare()/LabelAll().
  Status Commit(std::vector<Mention> batch, IngestReport* report) const;
  //! Hands the stored version of an edited mention to the sink (Mention::just_edited).
  void AnnounceEdit(Id id, const std::vector<Id>& query_ids) const;
  //! Applies the labeler and the query matcher to every mention of the batch and signs its text
  //! for near-duplicates (in parallel for large batches); returns the signatures (empty without
  //! a near-duplicate index).
  std::vector<TextSignature> LabelAll(std::vector<Mention>* batch) const;
  //! Near-duplicates, after LabelAll and in batch order: looks every signed mention up in the
  //! index and adds it (pending) so that later batches see it before it is stored.
  void FlagNearDuplicates(std::vector<Mention>* batch, std::vector<TextSignature> sigs) const;
  //! Near-duplicates, store stage, before UpsertBatch: names each copy's first mention (its id,
  //! or its position in this batch); a first mention still pending in another intake path's
  //! batch cannot be named, and the flag is dropped.
  void NameNearDuplicateOriginals(std::vector<Mention>* batch) const;
  //! After UpsertBatch: the index learns the stored ids (`outcomes` null = nothing was stored).
  void SettleNearDuplicates(std::vector<Mention>* batch,
                            const std::vector<store::UpsertOutcome>* outcomes) const;
  Result<IngestReport> Run(ImportFormat format, size_t max_errors,
                           const std::function<Status(MentionImportParser&)>& feed);
  //! Agency id for a code, caching lookups; NotFound for unknown codes.
  Result<Id> ResolveAgency(const std::string& code);
  //! Where to add a stage's time (IngestOptions::stage_times), or null when not measuring.
  std::atomic<std::int64_t>* Stage(std::atomic<std::int64_t> IngestStageTimes::*field) const {
    return options_.stage_times ? &(options_.stage_times->*field) : nullptr;
  }

  store::Store& store_;
  const Clock& clock_;
  MentionSink on_new_;
  Labeler labeler_;
  QueryMatcher matcher_;
  std::shared_ptr<NearDuplicateIndex> near_dups_;
  IngestPolicy policy_;
  IngestOptions options_;
  std::map<std::string, Id> agency_cache_;
};

}  // namespace humas::ingest
