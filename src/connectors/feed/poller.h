// The RSS/Atom poll connector: for each due "rss" connector of the registry, a conditional GET
// (ETag / Last-Modified), parse, entries → mentions through the Ingestor (idempotent on
// platform + external id), then the checkpoint and health. Storing comes before the checkpoint,
// so a crash in between only re-reads entries that de-duplicate: a restart neither loses nor
// repeats work.
#pragma once

#include <string>
#include <vector>

#include "connectors/feed/feed.h"
#include "connectors/net/http_client.h"
#include "connectors/registry/registry.h"
#include "core/clock.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace humas::connectors::feed {

//! The job queue the RSS poll tick used before the tick covered every kind
//! (connectors/pull Dispatcher); `humas serve` still drains jobs left in it.
inline constexpr char kPollQueue[] = "connectors.rss";

struct PollResult {
  int fetched = 0;  //!< entries in the document (0 on 304)
  int stored = 0;   //!< new mentions
  bool not_modified = false;
};

class RssPoller {
 public:
  //! Everything must outlive the poller. `on_new` announces stored mentions (live stream).
  RssPoller(Registry& registry, store::Store& store, const Clock& clock, net::HttpClient& http,
            ingest::MentionSink on_new = {}, ingest::Labeler labeler = {});

  //! Matches stored mentions against the agencies' queries (listening::IntakeMatcher).
  void set_matcher(ingest::QueryMatcher matcher) { matcher_ = std::move(matcher); }
  //! Flags near-duplicates against the server's shared index (ingest/near_dup.h).
  void set_near_duplicates(std::shared_ptr<ingest::NearDuplicateIndex> index) {
    near_dups_ = std::move(index);
  }

  //! Polls one connector and records its health (success or failure) in the registry.
  Result<PollResult> PollOne(const store::Connector& connector);

  //! Entry → mention: external id (a global id as is, otherwise qualified by the feed address),
  //! text = title + summary as plain text, dates, author, link.
  static MentionInput ToMention(const Entry& entry, const std::string& feed_url, UnixMillis now);

 private:
  Result<PollResult> Fetch(const store::Connector& connector, store::ConnectorCheckpoint* cp);

  Registry& registry_;
  store::Store& store_;
  const Clock& clock_;
  net::HttpClient& http_;
  ingest::MentionSink on_new_;
  ingest::Labeler labeler_;
  ingest::QueryMatcher matcher_;
  std::shared_ptr<ingest::NearDuplicateIndex> near_dups_;
};

}  // namespace humas::connectors::feed
