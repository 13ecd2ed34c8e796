// YouTube Data API v3 commentThreads.list as a pull connector
// (developers.google.com/youtube/v3/docs/commentThreads/list): the comment threads of one video
// (videoId) or of every video of a channel (allThreadsRelatedToChannelId), newest first
// (order=time), with the replies YouTube embeds in each thread.
//
// Quota: every call costs 1 unit of the project's daily quota (10,000 by default; it resets at
// midnight Pacific time). The connector spends its units with SpendQuota before each call, never
// beyond settings.daily_quota_units, and when YouTube answers 403 quotaExceeded it marks the day
// spent; either way the next run is the next Pacific midnight. Health shows quota_day,
// quota_units_used and the daily quota.
//
// Checkpoint cursor (JSON): {"since": publishedAt (ms) of the newest thread fully read,
// "sweep_newest": newest of the sweep in progress, "page_token": its next page}. A sweep reads
// newest → older until it meets a thread at or before `since`; only then does `since` advance,
// so a restart mid-sweep resumes at the saved page.
//
// Settings: ParseYoutubeSettings; credentials: {"api_key"} (sent as key=, scrubbed from errors).
#pragma once

#include <nlohmann/json.hpp>

#include "connectors/pull/pull.h"

namespace humas::connectors::youtube {

class CommentThreads final : public pull::Source {
 public:
  Platform platform() const override { return Platform::kYoutube; }
  Result<pull::Page> Next(const pull::RunContext& ctx, const std::string& cursor,
                          std::optional<UnixMillis>* retry_at) override;

  //! A commentThread resource → its top-level comment and embedded replies as mentions.
  static std::vector<MentionInput> ToMentions(const nlohmann::json& thread, UnixMillis now);
};

}  // namespace humas::connectors::youtube
