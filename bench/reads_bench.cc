// The last raw-mention reads (session 7), each against the code it replaced, on one large store.
//
//  1. Ingest N demo mentions (~30 days) through MentionRepository::UpsertBatch in 5,000-row
//     batches. Copies of a copy-paste campaign (the campaign's own hashtag) are flagged as
//     near-duplicates of the campaign's first stored mention, so the clusters are large.
//  2. Top authors with a hashtag topic, region-wide, 30 days: the bounded read (the newest
//     kTopicCandidateCap mentions containing the word) vs the previous FTS-narrowed GROUP BY over
//     every mention of the window (rollups_reference.h plus the topic condition). For a topic
//     under the cap the answers must be equal; over it, the bounded answer must equal the previous
//     query limited to the same candidates, and the overlap with the unbounded top 20 is printed.
//  3. One author's profile with that topic, for 200 authors: the author's mentions checked per
//     row vs the previous query (the word's whole id list); the answers must be equal.
//  4. The near-duplicate copy count of a mention detail: the counter (migration 0028) vs the
//     previous capped row count through Search; the counts must be equal below 10,000.
//  5. The search total of a broad and a narrow full-text query (capped count, informative).
//  6. Corrections export of C corrected mentions: one page of 1,000 at a time vs one read of all
//     (the previous Examples): time and the largest number of examples held at once.
// Usage: reads_bench [N] (default 1000000) [DIR] (default a temp directory, removed after).
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "app/demo/demo_region.h"
#include "app/demo/mention_generator.h"
#include "core/clock.h"
#include "store/counters.h"
#include "store/spread.h"
#include "store/sqlite/rollups_reference.h"
#include "store/store.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using humas::Id;

namespace {

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

void Line(const char* what, double old_ms, double new_ms, const std::string& note) {
  std::printf("%-52s previous %10.3f ms  now %9.3f ms  %7.1fx  %s\n", what, old_ms, new_ms,
              new_ms > 0 ? old_ms / new_ms : 0.0, note.c_str());
}

// The campaign hashtags of the demo generator (mention_generator.cc kCampaigns), lower-case.
const char* const kCampaignTags[] = {
    "#perbaikijalankami", "#tolakkenaikantarif", "#honorersukamajubersatu", "#bansostepatsasaran",
    "#dokteruntukdesa",   "#hutsukamaju",        "#stoppungliparkir"};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const bool own_dir = argc <= 2;
  const fs::path dir =
      own_dir ? fs::temp_directory_path() / "humas_reads_bench" : fs::path(argv[2]);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "reads.db").string();
  humas::SystemClock clock;
  const humas::demo::DemoRegion region = humas::demo::MakeDemoRegion();
  const humas::UnixMillis end = clock.Now();
  const humas::UnixMillis step = std::max<humas::UnixMillis>(1, 30LL * 86'400'000 / n);

  auto opened = humas::store::OpenSqliteStore({path}, clock);
  if (!opened.ok()) return 1;
  auto& st = **opened;
  std::map<std::string, Id> agency_ids;
  for (const auto& da : region.agencies) {
    humas::Agency a = da.agency;
    if (!da.parent_code.empty()) a.parent_id = agency_ids.at(da.parent_code);
    if (!st.agencies().Create(&a).ok()) return 1;
    agency_ids[a.code] = a.id;
  }

  // 1. Ingest, campaign copies flagged against the campaign's first stored mention.
  std::map<std::string, Id> campaign_root;
  std::vector<humas::MentionInput> sample;  // every 1000th, for the author profiles
  {
    humas::demo::MentionGenerator gen(7, region);
    std::vector<humas::Mention> batch;
    std::map<std::string, int> first_in_batch;
    std::vector<std::string> batch_tag;
    auto t0 = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      humas::Mention m;
      m.data = gen.Next(end - static_cast<humas::UnixMillis>(n - i) * step);
      if (i % 1000 == 0) sample.push_back(m.data);
      if (auto it = agency_ids.find(m.data.agency_code); it != agency_ids.end())
        m.agency_id = it->second;
      std::string tag;
      const std::string text = Lower(m.data.text);
      for (const char* t : kCampaignTags)
        if (text.find(t) != std::string::npos) tag = t;
      if (!tag.empty()) {
        if (auto r = campaign_root.find(tag); r != campaign_root.end()) {
          m.near_duplicate = humas::NearDuplicate{r->second, 0.9, std::nullopt};
        } else if (auto b = first_in_batch.find(tag); b != first_in_batch.end()) {
          m.near_duplicate = humas::NearDuplicate{0, 0.9, std::nullopt};
          m.near_duplicate_in_batch = b->second;
        } else {
          first_in_batch[tag] = static_cast<int>(batch.size());
        }
      }
      batch_tag.push_back(tag);
      batch.push_back(std::move(m));
      if (batch.size() == 5000 || i + 1 == n) {
        auto out = st.mentions().UpsertBatch(batch, end);
        if (!out.ok()) {
          std::fprintf(stderr, "%s\n", out.status().ToString().c_str());
          return 1;
        }
        for (const auto& [t, k] : first_in_batch) campaign_root[t] = (*out)[k].id;
        batch.clear();
        batch_tag.clear();
        first_in_batch.clear();
      }
    }
    std::printf("stored %zu demo mentions over 30 days in %.0f s (%zu campaign clusters)\n", n,
                Ms(t0, Clock::now()) / 1000, campaign_root.size());
  }

  sqlite3* raw = nullptr;
  if (sqlite3_open(path.c_str(), &raw) != SQLITE_OK) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    return 1;
  }
  auto day_floor = [](humas::UnixMillis t) { return t - t % 86'400'000; };
  auto rows = [&](const std::string& sql, humas::UnixMillis since, humas::UnixMillis until) {
    std::vector<std::string> out;
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &q, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "%s\n", sqlite3_errmsg(raw));
      return out;
    }
    if (sqlite3_bind_parameter_count(q) >= 2) {
      sqlite3_bind_int64(q, 1, day_floor(since));
      sqlite3_bind_int64(q, 2, day_floor(until - 1) + 86'400'000);
    }
    while (sqlite3_step(q) == SQLITE_ROW) {
      std::string line;
      for (int c = 0; c < sqlite3_column_count(q); ++c) {
        const unsigned char* t = sqlite3_column_text(q, c);
        line += (c ? "|" : "") + (t ? std::string(reinterpret_cast<const char*>(t)) : "NULL");
      }
      out.push_back(line);
    }
    sqlite3_finalize(q);
    return out;
  };
  auto topic_sql = [](const std::string& tag) {
    return " AND m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH '\"" + tag +
           "\"') AND (lower(m.text) || ' ') GLOB '*#" + tag + "[^a-z0-9_]*'";
  };
  namespace ref = humas::store::sqlite::reference;
  auto line_of = [](const humas::store::AuthorActivity& a) {
    return std::string(humas::ToString(a.platform)) + "|" + a.handle + "|" + a.name + "|" +
           std::to_string(a.mentions) + "|" + std::to_string(a.shares) + "|" +
           std::to_string(a.replies) + "|" + std::to_string(a.critical_replies) + "|" +
           std::to_string(a.active_days) + "|" + std::to_string(a.original_weeks) + "|" +
           std::to_string(a.likes_received) + "|" + std::to_string(a.shares_received) + "|" +
           std::to_string(a.replies_received) + "|" + std::to_string(a.reactions_observed) + "|" +
           std::to_string(a.influence);
  };
  auto head = [](std::vector<std::string> v, size_t k) {
    for (auto& s : v) {  // the first 14 columns (what line_of prints)
      size_t at = 0;
      for (int c = 0; c < 14 && at != std::string::npos; ++c) at = s.find('|', at + 1);
      if (at != std::string::npos) s.resize(at);
    }
    if (v.size() > k) v.resize(k);
    return v;
  };

  humas::store::ActivityFilter month;
  month.until = end + 1;
  month.since = end - 30LL * 86'400'000;

  // 2. Top authors with a topic.
  for (const std::string tag : {"perbaikijalankami", "sukamaju"}) {
    humas::store::ActivityFilter f = month;
    f.hashtag = tag;
    std::vector<double> now_ms, old_ms;
    std::vector<std::string> now, old, limited;
    humas::store::TopicCoverage cov;
    for (int i = 0; i < 3; ++i) {
      auto t0 = Clock::now();
      auto r = st.spread().TopAuthors(f, 20, &cov);
      now_ms.push_back(Ms(t0, Clock::now()));
      if (!r.ok()) {
        std::fprintf(stderr, "TopAuthors: %s\n", r.status().ToString().c_str());
        return 1;
      }
      now.clear();
      for (const auto& a : *r) now.push_back(line_of(a));
      t0 = Clock::now();
      old = head(rows(ref::kOldHead + topic_sql(tag) + ref::kOldTail, f.since, f.until), 20);
      old_ms.push_back(Ms(t0, Clock::now()));
    }
    std::string note =
        "candidates " + std::to_string(cov.candidates) + (cov.capped ? " (capped)" : "") + "; ";
    if (!cov.capped) {
      note += std::string("same answer: ") + (now == old ? "yes" : "NO");
    } else {
      // The oldest candidate: the cap-th newest rowid containing the word.
      auto oldest =
          rows("SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH '\"" + tag +
                   "\"' ORDER BY rowid DESC LIMIT 1 OFFSET " + std::to_string(f.topic_cap - 1),
               0, 0);
      limited =
          head(rows(ref::kOldHead + topic_sql(tag) + " AND m.id >= " + oldest.at(0) + ref::kOldTail,
                    f.since, f.until),
               20);
      std::set<std::string> a, b;
      for (const auto& s : now) a.insert(s.substr(0, s.find('|', s.find('|') + 1)));
      for (const auto& s : old) b.insert(s.substr(0, s.find('|', s.find('|') + 1)));
      size_t common = 0;
      for (const auto& s : a) common += b.count(s);
      note += std::string("equals the previous query on the same candidates: ") +
              (now == limited ? "yes" : "NO") + "; top-20 authors in common with the unbounded " +
              "answer: " + std::to_string(common);
    }
    Line(("TopAuthors #" + tag + ", region, 30 days").c_str(), Mean(old_ms), Mean(now_ms), note);
  }

  // 3. One author's profile with a topic.
  {
    humas::store::ActivityFilter f = month;
    f.hashtag = "sukamaju";
    std::vector<double> now_ms, old_ms;
    bool same = true;
    int compared = 0;
    for (size_t i = 0; i < sample.size() && compared < 200; ++i) {
      const humas::MentionInput& m = sample[i];
      if (m.author_handle.find('\'') != std::string::npos) continue;
      ++compared;
      auto t0 = Clock::now();
      auto a = st.spread().Author(m.platform, m.author_handle, f);
      now_ms.push_back(Ms(t0, Clock::now()));
      if (!a.ok()) {
        std::fprintf(stderr, "Author: %s\n", a.status().ToString().c_str());
        return 1;
      }
      t0 = Clock::now();
      auto old = head(rows(ref::kOldHead + std::string(" AND m.platform = '") +
                               std::string(humas::ToString(m.platform)) +
                               "' AND lower(m.author_handle) = lower('" + m.author_handle + "')" +
                               topic_sql("sukamaju") + ref::kOldTail,
                           f.since, f.until),
                      1);
      old_ms.push_back(Ms(t0, Clock::now()));
      if (old.empty() ? a->mentions != 0 : old[0] != line_of(*a)) same = false;
    }
    Line("Author profile #sukamaju, 30 days (200 authors)", Mean(old_ms), Mean(now_ms),
         std::string("same answers: ") + (same ? "yes" : "NO"));
  }

  // 4. Near-duplicate copy counts.
  {
    std::vector<double> now_ms, old_ms;
    std::string note;
    bool same = true;
    std::int64_t largest = 0;
    for (const auto& [tag, root] : campaign_root) {
      auto t0 = Clock::now();
      auto c = st.counters().NearDuplicateCopies(root, std::nullopt, true);
      now_ms.push_back(Ms(t0, Clock::now()));
      if (!c.ok()) {
        std::fprintf(stderr, "copies: %s\n", c.status().ToString().c_str());
        return 1;
      }
      humas::store::MentionFilter mf;
      mf.near_duplicate_of = root;
      t0 = Clock::now();
      auto s = st.mentions().Search(mf, {1, 0});
      old_ms.push_back(Ms(t0, Clock::now()));
      if (!s.ok()) {
        std::fprintf(stderr, "search: %s\n", s.status().ToString().c_str());
        return 1;
      }
      largest = std::max(largest, *c);
      if (!s->total_capped && s->total != *c) same = false;
      if (s->total_capped && *c <= s->total) same = false;
    }
    note = "largest cluster " + std::to_string(largest) +
           " copies (the previous count stopped at 10,000); same below the cap: " +
           (same ? "yes" : "NO");
    Line("Near-duplicate copies of a campaign", Mean(old_ms), Mean(now_ms), note);
  }

  // 5. Search totals (the capped count).
  for (const char* q : {"sukamaju", "perbaikijalankami"}) {
    humas::store::MentionFilter mf;
    mf.q = q;
    std::vector<double> ms, count_ms;
    humas::store::ListResult<humas::Mention> r;
    std::vector<std::string> exact;
    for (int i = 0; i < 3; ++i) {
      auto t0 = Clock::now();
      auto s = st.mentions().Search(mf, {50, 0});
      ms.push_back(Ms(t0, Clock::now()));
      if (!s.ok()) {
        std::fprintf(stderr, "search: %s\n", s.status().ToString().c_str());
        return 1;
      }
      r = *s;
      t0 = Clock::now();
      exact = rows(
          std::string("SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH '") + q + "'", 0,
          0);
      count_ms.push_back(Ms(t0, Clock::now()));
    }
    Line((std::string("Search q=") + q + " page 1 + capped total").c_str(), Mean(count_ms),
         Mean(ms),
         "(previous = the exact count alone) total " + std::to_string(r.total) +
             (r.total_capped ? "+" : "") + ", exact " + exact.at(0));
  }

  // 6. Corrections export.
  {
    const size_t corrections = std::min<size_t>(n / 10, 50'000);
    std::mt19937_64 rng(5);
    std::uniform_int_distribution<Id> any(1, static_cast<Id>(n));
    auto t0 = Clock::now();
    std::set<Id> done;
    while (done.size() < corrections) {
      Id id = any(rng);
      if (!done.insert(id).second) continue;
      humas::store::LabelCorrection c{
          0, id, humas::store::LabelTask::kKind, "", 0, "saran", std::nullopt, "bench", "", end};
      (void)st.corrections().Apply(&c);  // "already saran" is refused and skipped
    }
    std::printf("applied %zu kind corrections in %.0f s\n", corrections,
                Ms(t0, Clock::now()) / 1000);
    // The previous Examples: the whole export in one statement, held in memory.
    t0 = Clock::now();
    auto all = rows(
        "SELECT c.mention_id, m.text, c.new_value, max(c.id) FROM label_corrections c "
        "JOIN mentions m ON m.id = c.mention_id WHERE c.task = 'kind' GROUP BY c.mention_id "
        "ORDER BY c.mention_id",
        0, 0);
    const double whole_ms = Ms(t0, Clock::now());
    size_t paged = 0, most = 0;
    Id after = 0;
    t0 = Clock::now();
    while (true) {
      auto page = st.corrections().Examples(humas::store::LabelTask::kKind, after, 1000);
      if (!page.ok()) return 1;
      if (page->empty()) break;
      paged += page->size();
      most = std::max(most, page->size());
      after = page->back().mention_id;
    }
    const double paged_ms = Ms(t0, Clock::now());
    Line("Corrections export (one read vs pages of 1,000)", whole_ms, paged_ms,
         "examples " + std::to_string(paged) + " (one read: " + std::to_string(all.size()) +
             "); held at once " + std::to_string(most) + " vs " + std::to_string(all.size()));
  }

  sqlite3_close(raw);
  opened->reset();
  if (own_dir) fs::remove_all(dir);
  return 0;
}
