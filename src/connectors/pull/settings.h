// Settings of the pull connectors, parsed and validated in one place: the API refuses bad
// settings with these messages (400, field "settings") and the connectors read them the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace humas::connectors::pull {

//! X API v2 recent search (GET /2/tweets/search/recent).
struct XSearchSettings {
  std::string query;                           //!< the agency's X search query (1–512 chars)
  int max_results = 100;                       //!< per request, 10–100
  std::string api_base = "https://api.x.com";  //!< tests point it at a fake server
};

//! X API v2 filtered stream (GET /2/tweets/search/stream, connectors/x/stream.h): a connector
//! whose settings say "stream": true. Its rules are the agency's listening queries, or `rules`.
struct XStreamSettings {
  std::vector<std::string> rules;  //!< X rule values typed on the form; empty = from the queries
  int max_rules = 25;              //!< the plan's rule count (Basic 25, Pro 1000)
  int max_rule_length = 512;       //!< the plan's rule length (Basic 512, Pro 1024)
  int backfill_minutes = 0;        //!< Pro: recover up to 5 minutes missed while disconnected
  std::string api_base = "https://api.x.com";
};

//! Telegram Bot API getUpdates.
struct TelegramSettings {
  std::string api_base = "https://api.telegram.org";
  int limit = 100;  //!< updates per request, 1–100
};

//! Mastodon timelines: a hashtag (GET /api/v1/timelines/tag/:hashtag) or an account's statuses
//! (GET /api/v1/accounts/:id/statuses).
struct MastodonSettings {
  std::string instance_url;  //!< "https://mastodon.social"
  std::string hashtag;       //!< without '#'; exactly one of hashtag / account_id / local
  std::string account_id;
  bool local =
      false;       //!< the instance's local public timeline (GET /api/v1/timelines/public?local)
  int limit = 40;  //!< statuses per request, 1–40
  //! Keep a streaming connection open (hashtag or public:local; connectors/mastodon/stream.h);
  //! the timeline is still polled after every (re)connection and whenever the stream is down.
  bool stream = false;
};

//! YouTube Data API v3 commentThreads.list: one video (videoId) or every video of a channel
//! (allThreadsRelatedToChannelId).
struct YoutubeSettings {
  std::string video_id;  //!< exactly one of video_id / channel_id
  std::string channel_id;
  int max_results = 100;           //!< threads per call, 1–100
  int daily_quota_units = 10'000;  //!< units this connector may spend per Pacific day
  std::string api_base = "https://www.googleapis.com";
};

//! Meta Graph API pulls: a Facebook Page's feed (GET /{page-id}/feed, settings.page_id) or an
//! Instagram professional account's media (GET /{ig-user-id}/media, settings.ig_user_id), each
//! with its comments.
struct GraphSettings {
  std::string owner_id;  //!< the Page's or the Instagram account's numeric id
  int limit = 25;        //!< posts / media per request, 1–100
  //! Graph base with its version, shared with the Graph reply client (connectors/reply/graph).
  std::string api_base = "https://graph.facebook.com/v21.0";
};

Result<XSearchSettings> ParseXSearchSettings(const nlohmann::json& settings);
//! True when an X connector's settings ask for the filtered stream ("stream": true).
bool IsXStream(const nlohmann::json& settings);
Result<XStreamSettings> ParseXStreamSettings(const nlohmann::json& settings);
Result<TelegramSettings> ParseTelegramSettings(const nlohmann::json& settings);
Result<MastodonSettings> ParseMastodonSettings(const nlohmann::json& settings);
Result<YoutubeSettings> ParseYoutubeSettings(const nlohmann::json& settings);
Result<GraphSettings> ParseFacebookPageSettings(const nlohmann::json& settings);
Result<GraphSettings> ParseInstagramMediaSettings(const nlohmann::json& settings);

//! True for the platforms that have a pull connector (the API's validation entry point).
bool HasPullConnector(Platform p);
//! True for a connector humas pulls: a pull platform, except a Facebook connector without
//! settings.page_id or an Instagram one without settings.ig_user_id, which only answers (replies
//! through the Graph API) and is never polled.
bool IsPulled(Platform p, const nlohmann::json& settings);
//! Validates the settings of a pull platform (Ok for the others).
Status ValidatePullSettings(Platform p, const nlohmann::json& settings);

//! Reads a string credential ("" when absent); credentials are a JSON object of strings.
std::string Credential(const std::string& credentials_json, const char* name);

}  // namespace humas::connectors::pull
