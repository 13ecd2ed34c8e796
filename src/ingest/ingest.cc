// Intake: parse → resolve agency → label (if available) → store in batches → announce. Imports
// overlap the stages: batch N is stored while batch N+1 is parsed, labelled and matched.
#include "ingest/ingest.h"

#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "core/log.h"
#include "search/agency_query.h"

namespace humas::ingest {

Ingestor::Ingestor(store::Store& store, const Clock& clock, MentionSink on_new, Labeler labeler,
                   IngestPolicy policy)
    : store_(store),
      clock_(clock),
      on_new_(std::move(on_new)),
      labeler_(std::move(labeler)),
      policy_(std::move(policy)) {}

Result<Id> Ingestor::ResolveAgency(const std::string& code) {
  auto it = agency_cache_.find(code);
  if (it != agency_cache_.end()) return it->second;
  auto agency = store_.agencies().GetByCode(code);
  if (!agency.ok()) {
    if (agency.status().code() == Code::kNotFound)
      return NotFound("agency: unknown agency code \"" + code + "\"");
    return agency.status();
  }
  agency_cache_[code] = agency->id;
  return agency->id;
}

namespace {

std::int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

//! Adds to *sink (when not null) this thread's CPU time, or the wall-clock time, from
//! construction to destruction (IngestStageTimes).
template <std::int64_t (*Now)()>
class Span {
 public:
  explicit Span(std::atomic<std::int64_t>* sink) : sink_(sink), t0_(sink ? Now() : 0) {}
  ~Span() {
    if (sink_) sink_->fetch_add(Now() - t0_, std::memory_order_relaxed);
  }
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

 private:
  std::atomic<std::int64_t>* sink_;
  std::int64_t t0_;
};
using CpuSpan = Span<ThreadCpuNs>;
using WaitSpan = Span<WallNs>;

//! The labelling workers shared by every Ingestor of the process: hardware_concurrency() - 1
//! threads, started on first use and kept for the life of the process, so that what they keep
//! per thread (the normaliser's word memo, Hyperscan scratch space) stays warm from one batch to
//! the next instead of being rebuilt by a new thread for every batch. Run() hands out a range in
//! small chunks to the workers and the calling thread alike (dynamic: a core taken by the store
//! thread or another import just takes fewer chunks) and returns when every chunk is done. The
//! caller always works too, so Run() progresses even while the workers serve another import.
class LabelPool {
 public:
  static LabelPool& Get() {
    // Never destroyed: the workers may be waiting for work when the process exits.
    static LabelPool* pool = new LabelPool(std::max(1u, std::thread::hardware_concurrency()) - 1);
    return *pool;
  }

  size_t workers() const { return threads_.size(); }

  //! Calls fn(from, to) over [0, n) in chunks of `chunk`, on the workers and this thread. Adds
  //! the wall-clock time this thread waits for the workers' last chunks to *wait_ns.
  void Run(size_t n, size_t chunk, const std::function<void(size_t, size_t)>& fn,
           std::atomic<std::int64_t>* wait_ns = nullptr) {
    auto job = std::make_shared<Job>();
    job->fn = &fn;
    job->n = n;
    job->chunk = std::max<size_t>(1, chunk);
    job->chunks = (n + job->chunk - 1) / job->chunk;
    if (!threads_.empty() && job->chunks > 1) {
      std::lock_guard lock(mu_);
      jobs_.push_back(job);
      ready_.notify_all();
    }
    Work(*job);
    WaitSpan waiting(wait_ns);
    std::unique_lock lock(job->mu);
    job->finished.wait(lock, [&] { return job->done == job->chunks; });
  }

 private:
  struct Job {
    const std::function<void(size_t, size_t)>* fn = nullptr;
    size_t n = 0, chunk = 1, chunks = 0;
    std::atomic<size_t> next{0};  //!< the next chunk to hand out
    std::mutex mu;
    std::condition_variable finished;
    size_t done = 0;  //!< chunks finished (guarded by mu)
  };

  explicit LabelPool(unsigned workers) {
    for (unsigned i = 0; i < workers; ++i)
      threads_.emplace_back([this] {
        pthread_setname_np(pthread_self(), "humas-label");  // shows in top -H, perf, gdb
        Loop();
      });
    for (auto& t : threads_) t.detach();
  }

  static void Work(Job& job) {
    size_t finished = 0;
    for (size_t c; (c = job.next.fetch_add(1)) < job.chunks; ++finished)
      (*job.fn)(c * job.chunk, std::min(job.n, (c + 1) * job.chunk));
    if (finished == 0) return;
    std::lock_guard lock(job.mu);
    job.done += finished;
    if (job.done == job.chunks) job.finished.notify_all();
  }

  void Loop() {
    while (true) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return !jobs_.empty(); });
        job = jobs_.front();
        // Every chunk handed out: no other worker needs to see this job.
        if (job->next.load() >= job->chunks) {
          jobs_.pop_front();
          continue;
        }
      }
      Work(*job);
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::shared_ptr<Job>> jobs_;  //!< guarded by mu_
};

}  // namespace

std::vector<TextSignature> Ingestor::LabelAll(std::vector<Mention>* batch) const {
  if (!labeler_ && !matcher_ && !near_dups_) return {};
  // Labelling, matching and signing are the costly, independent steps: large batches are spread
  // over the cores (LabelPool). All are thread-safe (immutable models, immutable compiled
  // matcher, a sharded label cache); each mention's results go to its own slot, so the order
  // stays the input order. Near-duplicates are then looked up and added one by one in input
  // order (FlagNearDuplicates, on the caller's next stage): a mention can only be a copy of an
  // earlier one.
  const size_t n = batch->size();
  std::vector<TextSignature> sigs(near_dups_ ? n : 0);
  const size_t min_words = near_dups_ ? near_dups_->options().min_words : 0;
  std::atomic<std::int64_t>* label_cpu = Stage(&IngestStageTimes::label);
  std::atomic<std::int64_t>* label_caller_cpu = Stage(&IngestStageTimes::label_caller);
  if (options_.stage_times) options_.stage_times->mentions += static_cast<std::int64_t>(n);
  const std::thread::id caller = std::this_thread::get_id();
  const std::function<void(size_t, size_t)> label_range = [&](size_t from, size_t to) {
    const std::int64_t t0 = label_cpu ? ThreadCpuNs() : 0;
    std::string folded;
    for (size_t i = from; i < to; ++i) {
      Mention& m = (*batch)[i];
      if (labeler_) labeler_(&m.data);
      // One fold of the text for matching and signing.
      if (matcher_ || near_dups_) folded = search::FoldForMatch(m.data.text);
      if (matcher_) m.query_ids = matcher_(m, folded);
      if (near_dups_) sigs[i] = SignFolded(folded, min_words);
    }
    if (label_cpu) {
      const std::int64_t spent = ThreadCpuNs() - t0;
      *label_cpu += spent;
      if (std::this_thread::get_id() == caller) *label_caller_cpu += spent;
    }
  };
  {
    // The caller's CPU in the pool beyond its own chunks: handing out work, waking workers.
    const std::int64_t caller0 = label_cpu ? ThreadCpuNs() : 0;
    const std::int64_t own0 = label_cpu ? label_caller_cpu->load() : 0;
    if (n < 512) {
      label_range(0, n);
    } else {
      LabelPool::Get().Run(n, 128, label_range, Stage(&IngestStageTimes::label_wait));
    }
    if (label_cpu)
      *Stage(&IngestStageTimes::label_handoff) +=
          ThreadCpuNs() - caller0 - (label_caller_cpu->load() - own0);
  }
  return sigs;
}

void Ingestor::FlagNearDuplicates(std::vector<Mention>* batch,
                                  std::vector<TextSignature> sigs) const {
  if (!near_dups_ || sigs.empty()) return;
  CpuSpan span(Stage(&IngestStageTimes::near_dup));
  auto lock = near_dups_->lock();
  for (size_t i = 0; i < batch->size(); ++i) {
    Mention& m = (*batch)[i];
    if (sigs[i].empty()) continue;
    auto hit = near_dups_->FindLocked(sigs[i], m.data.created_at);
    if (hit) m.near_duplicate = NearDuplicate{hit->root, hit->score, hit->root_agency};
    m.near_duplicate_ticket =
        near_dups_->AddPendingLocked(m.agency_id, hit, std::move(sigs[i]), m.data.created_at);
  }
}

void Ingestor::NameNearDuplicateOriginals(std::vector<Mention>* batch) const {
  if (!near_dups_) return;
  // (ticket, position) of the batch's indexed mentions so far; tickets grow with the position
  // (FlagNearDuplicates adds a batch in input order), so the list stays sorted.
  std::vector<std::pair<NearDuplicateIndex::Ticket, int>> position;
  auto lock = near_dups_->lock();
  for (size_t i = 0; i < batch->size(); ++i) {
    Mention& m = (*batch)[i];
    if (m.near_duplicate_ticket != 0)
      position.emplace_back(m.near_duplicate_ticket, static_cast<int>(i));
    if (!m.near_duplicate || m.near_duplicate->of > 0) continue;
    m.near_duplicate->of = near_dups_->RootOfLocked(m.near_duplicate_ticket);
    if (m.near_duplicate->of > 0) continue;
    const NearDuplicateIndex::Ticket root = near_dups_->RootTicketLocked(m.near_duplicate_ticket);
    auto earlier = std::lower_bound(position.begin(), position.end(), std::make_pair(root, -1));
    if (earlier != position.end() && earlier->first == root &&
        earlier->second < static_cast<int>(i)) {
      m.near_duplicate_in_batch = earlier->second;
    } else {
      m.near_duplicate.reset();
    }
  }
}

void Ingestor::SettleNearDuplicates(std::vector<Mention>* batch,
                                    const std::vector<store::UpsertOutcome>* outcomes) const {
  if (!near_dups_) return;
  auto lock = near_dups_->lock();
  for (size_t i = 0; i < batch->size(); ++i) {
    Mention& m = (*batch)[i];
    if (outcomes && m.near_duplicate_in_batch >= 0)
      m.near_duplicate->of = (*outcomes)[static_cast<size_t>(m.near_duplicate_in_batch)].id;
    if (m.near_duplicate_ticket != 0)
      near_dups_->ResolveLocked(m.near_duplicate_ticket, outcomes ? (*outcomes)[i].id : 0);
  }
}

Result<std::vector<Mention>> Ingestor::Prepare(std::vector<MentionInput> inputs,
                                               const std::vector<std::int64_t>& lines,
                                               IngestReport* report, size_t max_errors) {
  std::vector<Mention> batch;
  batch.reserve(inputs.size());
  auto reject = [&](size_t i, ImportErrorCode code, std::string reason) {
    ++report->rejected;
    if (report->errors.size() < max_errors)
      report->errors.push_back(
          {i < lines.size() ? lines[i] : 0, code, "agency", std::move(reason)});
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::optional<Id> agency = policy_.default_agency;
    if (!inputs[i].agency_code.empty()) {
      auto id = ResolveAgency(inputs[i].agency_code);
      if (!id.ok()) {
        if (id.status().code() != Code::kNotFound) return id.status();
        reject(i, ImportErrorCode::kUnknownAgency, id.status().message());
        continue;
      }
      agency = *id;
    }
    if (agency && policy_.agency_allowed && !policy_.agency_allowed(*agency)) {
      reject(i, ImportErrorCode::kAgencyOutOfScope,
             "agency: \"" + inputs[i].agency_code + "\" is outside the agencies you work for");
      continue;
    }
    if (!agency && policy_.require_agency) {
      reject(i, ImportErrorCode::kAgencyRequired,
             "agency: required (name one of your agencies in the \"agency\" field)");
      continue;
    }
    // Built in place: the input's strings move once, into the batch.
    Mention& m = batch.emplace_back();
    m.agency_id = agency;
    m.data = std::move(inputs[i]);
  }
  return batch;
}

Status Ingestor::Commit(std::vector<Mention> batch, IngestReport* report) const {
  if (batch.empty()) return Status::Ok();
  CpuSpan span(Stage(&IngestStageTimes::commit));
  NameNearDuplicateOriginals(&batch);
  // One transaction for the batch's mentions and the inbox cases that their questions,
  // complaints, criticism and suggestions open or extend.
  std::optional<CpuSpan> upsert_span(std::in_place, Stage(&IngestStageTimes::upsert));
  auto outcomes = store_.mentions().UpsertBatch(batch, clock_.Now(), /*open_cases=*/true);
  upsert_span.reset();
  SettleNearDuplicates(&batch, outcomes.ok() ? &*outcomes : nullptr);
  if (!outcomes.ok()) return outcomes.status();
  for (size_t i = 0; i < outcomes->size(); ++i) {
    const auto& o = (*outcomes)[i];
    switch (o.kind) {
      case store::UpsertOutcome::Kind::kInserted:
        ++report->imported;
        batch[i].id = o.id;
        batch[i].ingested_at = clock_.Now();
        if (on_new_) on_new_(batch[i]);
        break;
      case store::UpsertOutcome::Kind::kDuplicate:
        ++report->duplicates;
        break;
      case store::UpsertOutcome::Kind::kUpdated:
        ++report->updated;
        if (o.edited && on_new_) AnnounceEdit(o.id, batch[i].query_ids);
        break;
    }
  }
  return Status::Ok();
}

void Ingestor::AnnounceEdit(Id id, const std::vector<Id>& query_ids) const {
  // The mention as stored (agency, engagement and first time kept; the new text and labels).
  auto stored = store_.mentions().Get(id);
  if (!stored.ok()) {
    Log(LogLevel::kWarn, "ingest.edit_not_announced",
        {{"mention_id", id}, {"error", stored.status().ToString()}});
    return;
  }
  stored->query_ids = query_ids;
  stored->just_edited = true;
  on_new_(*stored);
}

Status Ingestor::StoreBatch(std::vector<MentionInput> inputs,
                            const std::vector<std::int64_t>& lines, IngestReport* report,
                            size_t max_errors) {
  std::optional<CpuSpan> preparing(std::in_place, Stage(&IngestStageTimes::prepare));
  HUMAS_ASSIGN_OR_RETURN(std::vector<Mention> batch,
                         Prepare(std::move(inputs), lines, report, max_errors));
  preparing.reset();
  FlagNearDuplicates(&batch, LabelAll(&batch));
  return Commit(std::move(batch), report);
}

//! A stage of a pipelined import: one thread that works through the labelled batches pushed to
//! it, in order, while the threads before it go on with the next ones. Push() blocks while
//! max_queued batches wait (back-pressure). After a failed batch nothing more is done and
//! Push()/Finish() return the failure.
class Ingestor::BatchStage {
 public:
  struct Batch {
    std::vector<Mention> mentions;
    std::vector<TextSignature> sigs;  //!< near-duplicate signatures (FlagNearDuplicates)
  };
  //! Where the stage's thread adds its CPU time and its waits for a batch, and where Push() adds
  //! its own (IngestStageTimes; null when not measuring).
  struct Times {
    std::atomic<std::int64_t>*thread_cpu = nullptr, *thread_wait = nullptr, *push_cpu = nullptr,
    *push_wait = nullptr;
  };

  BatchStage(const char* thread_name, size_t max_queued, Times times,
             std::function<Status(Batch)> work)
      : max_queued_(std::max<size_t>(1, max_queued)), times_(times), work_(std::move(work)) {
    thread_ = std::thread([this, thread_name] {
      pthread_setname_np(pthread_self(), thread_name);  // shows in top -H, perf, gdb
      Loop();
    });
  }
  ~BatchStage() { (void)Finish(); }
  BatchStage(const BatchStage&) = delete;
  BatchStage& operator=(const BatchStage&) = delete;

  Status Push(Batch batch) {
    CpuSpan span(times_.push_cpu);
    std::unique_lock lock(mu_);
    {
      WaitSpan waiting(times_.push_wait);
      space_.wait(lock, [&] { return queue_.size() < max_queued_ || !failure_.ok(); });
    }
    if (!failure_.ok()) return failure_;
    queue_.push_back(std::move(batch));
    ready_.notify_one();
    return Status::Ok();
  }

  //! Waits until every pushed batch is done (or one failed) and stops the thread.
  Status Finish() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mu_);
    return failure_;
  }

 private:
  void Loop() {
    CpuSpan life(times_.thread_cpu);
    while (true) {
      Batch batch;
      {
        WaitSpan waiting(times_.thread_wait);
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
      }
      space_.notify_one();
      Status s = work_(std::move(batch));
      if (!s.ok()) {
        std::lock_guard lock(mu_);
        failure_ = s;
        queue_.clear();
        space_.notify_all();
        return;
      }
    }
  }

  const size_t max_queued_;
  const Times times_;
  const std::function<Status(Batch)> work_;
  std::mutex mu_;
  std::condition_variable ready_;  //!< a batch was queued, or done_
  std::condition_variable space_;  //!< the queue shrank, or a batch failed
  std::deque<Batch> queue_;        //!< guarded by mu_
  bool done_ = false;              //!< guarded by mu_
  Status failure_;                 //!< guarded by mu_
  std::thread thread_;
};

Result<IngestReport> Ingestor::Run(ImportFormat format, size_t max_errors,
                                   const std::function<Status(MentionImportParser&)>& feed) {
  IngestReport report;
  ImportOptions options;
  options.format = format;
  // Pipelined: the caller parses, prepares and labels (with the labelling pool); a near-duplicate
  // thread flags the labelled batches in order (serial by nature: a mention can only copy an
  // earlier one); a store thread commits them. Each stage overlaps the others' next batches.
  IngestReport stored_report;  // written by the store thread only, read after Finish()
  std::unique_ptr<BatchStage> store, flag;
  if (options_.pipelined) {
    // The queued batches are shared out: one waits for the near-duplicate thread, the rest for
    // the store.
    store = std::make_unique<BatchStage>(
        "humas-store", std::max<size_t>(1, options_.max_queued_batches - 1),
        BatchStage::Times{Stage(&IngestStageTimes::store_total),
                          Stage(&IngestStageTimes::store_wait), nullptr,
                          Stage(&IngestStageTimes::flag_push_wait)},
        [this, &stored_report](BatchStage::Batch batch) {
          return Commit(std::move(batch.mentions), &stored_report);
        });
    flag = std::make_unique<BatchStage>(
        "humas-neardup", 1,
        BatchStage::Times{Stage(&IngestStageTimes::flag_total), Stage(&IngestStageTimes::flag_wait),
                          Stage(&IngestStageTimes::push), Stage(&IngestStageTimes::push_wait)},
        [this, &store](BatchStage::Batch batch) {
          FlagNearDuplicates(&batch.mentions, std::move(batch.sigs));
          batch.sigs.clear();
          return store->Push(std::move(batch));
        });
  }
  // The parser's CPU is the caller's minus what the batches' callbacks spent.
  std::atomic<std::int64_t> callbacks{0};
  const std::int64_t caller0 = options_.stage_times ? ThreadCpuNs() : 0;
  MentionImportParser parser(options, [&](ParsedBatch&& parsed) -> Status {
    CpuSpan span(options_.stage_times ? &callbacks : nullptr);
    for (auto& e : parsed.errors) {
      ++report.rejected;
      if (report.errors.size() < max_errors) report.errors.push_back(std::move(e));
    }
    if (!flag) return StoreBatch(std::move(parsed.mentions), parsed.lines, &report, max_errors);
    std::optional<CpuSpan> preparing(std::in_place, Stage(&IngestStageTimes::prepare));
    HUMAS_ASSIGN_OR_RETURN(std::vector<Mention> batch,
                           Prepare(std::move(parsed.mentions), parsed.lines, &report, max_errors));
    preparing.reset();
    if (batch.empty()) return Status::Ok();
    std::vector<TextSignature> sigs = LabelAll(&batch);
    return flag->Push({std::move(batch), std::move(sigs)});
  });
  Status fed = feed(parser);
  if (fed.ok()) fed = parser.Finish();
  if (options_.stage_times) {
    const std::int64_t caller = ThreadCpuNs() - caller0;
    options_.stage_times->caller_total += caller;
    options_.stage_times->parse += caller - callbacks.load();
  }
  if (flag) {
    // Batches queued before a parse failure are still stored (storing is idempotent). A failed
    // store fails the near-duplicate stage's next push, so its failure is the store's.
    Status flagged = flag->Finish();
    Status stored = store->Finish();
    report.imported += stored_report.imported;
    report.duplicates += stored_report.duplicates;
    report.updated += stored_report.updated;
    if (!stored.ok()) return stored;
    if (!flagged.ok()) return flagged;
  }
  HUMAS_RETURN_IF_ERROR(fed);
  return report;
}

Result<IngestReport> Ingestor::Import(std::istream& in, ImportFormat format, size_t max_errors) {
  return Run(format, max_errors, [&in](MentionImportParser& parser) -> Status {
    std::array<char, 1 << 16> buf;
    while (in) {
      in.read(buf.data(), buf.size());
      std::streamsize n = in.gcount();
      if (n <= 0) break;
      HUMAS_RETURN_IF_ERROR(parser.Feed(std::string_view(buf.data(), static_cast<size_t>(n))));
    }
    if (in.bad()) return Unavailable("could not read the import input");
    return Status::Ok();
  });
}

Result<IngestReport> Ingestor::ImportBytes(std::string_view data, ImportFormat format,
                                           size_t max_errors) {
  return Run(format, max_errors, [data](MentionImportParser& parser) -> Status {
    constexpr size_t kChunk = 1 << 20;
    for (size_t off = 0; off < data.size(); off += kChunk)
      HUMAS_RETURN_IF_ERROR(parser.Feed(data.substr(off, kChunk)));
    return Status::Ok();
  });
}

}  // namespace humas::ingest
