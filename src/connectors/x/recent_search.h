// X API v2 recent search as a pull connector (developer.x.com/en/docs/x-api/tweets/search):
// GET /2/tweets/search/recent with the agency's query, since_id and next_token pagination,
// expansions=author_id,referenced_tweets.id and user.fields=public_metrics (follower counts),
// within the monthly read budget the admin sets on the connector.
//
// Checkpoint cursor (JSON): {"since_id": newest id fully read, "newest_id": newest id of the
// sweep in progress, "next_token": the next page of that sweep}. A sweep reads newest → oldest
// down to since_id; only when it is complete does since_id move to the sweep's newest id, so a
// restart mid-sweep resumes at the saved page: nothing lost, nothing read twice.
// An "until_id" in the cursor (the stream's gap fill) bounds every request of the sweep.
//
// Budget: X counts every post it returns (including the referenced posts of the expansion).
// Before each request the connector reserves the most it can return (3 x max_results: each post
// references at most a replied-to and a quoted post) with SpendReads, then gives back what was
// not returned. Usage therefore never exceeds the budget, even if the process dies between
// the request and the bookkeeping. When less than one smallest request (30) remains, the rest
// is marked spent and the connector fails with "budget spent" until the next month.
#pragma once

#include "connectors/pull/pull.h"

namespace humas::connectors::x {

class RecentSearch final : public pull::Source {
 public:
  Platform platform() const override { return Platform::kX; }
  Result<pull::Page> Next(const pull::RunContext& ctx, const std::string& cursor,
                          std::optional<UnixMillis>* retry_at) override;
};

}  // namespace humas::connectors::x
