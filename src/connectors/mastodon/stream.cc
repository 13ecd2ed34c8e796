// Mastodon streaming channel and the timeline fallback.
#include "connectors/mastodon/stream.h"

#include <string>
#include <vector>

#include "connectors/net/http_client.h"
#include "connectors/pull/settings.h"

namespace humas::connectors::mastodon {
namespace {

using json = nlohmann::json;

//! Mastodon ids are decimal strings that sort by length, then text.
bool NewerId(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

class StreamChannel final : public stream::Channel {
 public:
  StreamChannel(pull::MastodonSettings settings, std::string token, std::string streaming_base)
      : settings_(std::move(settings)),
        token_(std::move(token)),
        streaming_base_(std::move(streaming_base)) {}

  std::string Url(const std::string& saved_cursor) override {
    json cur = json::parse(saved_cursor, nullptr, false);
    newest_ = cur.is_object() && cur.contains("min_id") && cur["min_id"].is_string()
                  ? cur["min_id"].get<std::string>()
                  : "";
    std::string base = streaming_base_;
    if (base.empty()) {  // the instance's own host
      base = settings_.instance_url;
      base.replace(0, base.find("://"), base.rfind("https", 0) == 0 ? "wss" : "ws");
    }
    std::string url = base + "/api/v1/streaming?stream=";
    url += settings_.local ? "public:local" : "hashtag&tag=" + net::UrlEscape(settings_.hashtag);
    // The streaming API takes the token as a query parameter (browsers cannot set headers on a
    // WebSocket); the worker never logs the query.
    if (!token_.empty()) url += "&access_token=" + net::UrlEscape(token_);
    return url;
  }

  Result<stream::Frame> OnMessage(std::string_view message, UnixMillis now) override {
    json j = json::parse(message, nullptr, false);
    if (!j.is_object() || !j.contains("event") || !j["event"].is_string())
      return InvalidArgument("not a Mastodon streaming message (" + std::to_string(message.size()) +
                             " bytes)");
    stream::Frame f;
    const std::string event = j["event"];
    if (event != "update" && event != "status.update") return f;  // delete, notification, ...
    if (!j.contains("payload") || !j["payload"].is_string())
      return InvalidArgument("an " + event + " event without its payload");
    json status = json::parse(j["payload"].get<std::string>(), nullptr, false);
    if (!status.is_object())
      return InvalidArgument("an " + event + " payload that is not a Status");
    f.mention = Timeline::ToMention(status, now);
    std::string id = status.value("id", json()).is_string() ? status["id"].get<std::string>() : "";
    // Edits of old statuses do not move the checkpoint; new statuses do.
    if (event == "update" && !id.empty() && (newest_.empty() || NewerId(id, newest_))) {
      newest_ = id;
      f.cursor = json({{"min_id", id}}).dump();
    }
    return f;
  }

 private:
  pull::MastodonSettings settings_;
  std::string token_;
  std::string streaming_base_;  //!< announced by the instance; "" = the instance's host
  std::string newest_;
};

//! A string at a path of object keys ("" when absent or not a string).
std::string Field(const json& j, const std::vector<std::string>& path) {
  const json* at = &j;
  for (const std::string& k : path) {
    if (!at->is_object() || !at->contains(k)) return "";
    at = &(*at)[k];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

//! "wss://streaming.example/" or ".../api/v1/streaming" → "wss://streaming.example"; "" unless
//! ws:// or wss://.
std::string StreamingBase(std::string url) {
  if (url.rfind("wss://", 0) != 0 && url.rfind("ws://", 0) != 0) return "";
  for (const std::string suffix : {"/api/v1/streaming", "/"}) {
    if (url.size() > suffix.size() && url.ends_with(suffix)) url.resize(url.size() - suffix.size());
  }
  return url;
}

}  // namespace

std::string StreamProtocol::LookUpStreamingBase(net::HttpClient& http,
                                                const std::string& instance_url) {
  // v2 (Mastodon 4.0+): configuration.urls.streaming; v1: urls.streaming_api.
  struct Where {
    const char* path;
    std::vector<std::string> field;
  };
  const Where places[] = {{"/api/v2/instance", {"configuration", "urls", "streaming"}},
                          {"/api/v1/instance", {"urls", "streaming_api"}}};
  for (const Where& w : places) {
    net::HttpRequest req;
    req.url = instance_url + w.path;
    auto resp = http.Get(req);
    if (!resp.ok() || resp->status != 200) continue;
    std::string base = StreamingBase(Field(json::parse(resp->body, nullptr, false), w.field));
    if (!base.empty()) return base;
  }
  return "";
}

bool StreamProtocol::Streams(const store::Connector& c) const {
  auto s = pull::ParseMastodonSettings(json::parse(c.settings_json, nullptr, false));
  return s.ok() && s->stream && (s->local || !s->hashtag.empty());
}

Result<std::unique_ptr<stream::Channel>> StreamProtocol::Open(const store::Connector& c,
                                                              const std::string& credentials) {
  HUMAS_ASSIGN_OR_RETURN(pull::MastodonSettings s,
                         pull::ParseMastodonSettings(json::parse(c.settings_json, nullptr, false)));
  std::string base = http_ ? LookUpStreamingBase(*http_, s.instance_url) : "";
  return std::unique_ptr<stream::Channel>(
      new StreamChannel(std::move(s), pull::Credential(credentials, "access_token"), base));
}

Result<bool> TimelineFallback::Run(const store::Connector& c) {
  const UnixMillis now = clock_.Now();
  if (protocol_.Streams(c) && streams_) {
    auto h = streams_->Health(c.id);
    UnixMillis polled_at = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      polled_at = polled_at_[c.id];
    }
    // Connected and caught up since it connected: the stream carries the timeline.
    if (h && h->connected && h->connected_since && polled_at >= *h->connected_since) {
      HUMAS_RETURN_IF_ERROR(store_.connectors().Schedule(
          c.id, now + Registry::NextRunDelay(c.poll_interval_seconds, 0)));
      return false;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    polled_at_[c.id] = now;
  }
  HUMAS_RETURN_IF_ERROR(runner_.RunOne(timeline_, c).status());
  return true;
}

}  // namespace humas::connectors::mastodon
