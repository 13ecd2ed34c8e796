// JetstreamProtocol: settings → subscribe URL, messages → mentions, time_us → checkpoint.
#include "connectors/bluesky/stream.h"

#include <algorithm>

namespace humas::connectors::bluesky {
namespace {

using json = nlohmann::json;

class JetstreamChannel final : public stream::Channel {
 public:
  JetstreamChannel(JetstreamSettings settings, std::int64_t rewind_us)
      : settings_(settings), decoder_(std::move(settings)), rewind_us_(rewind_us) {}

  std::string Url(const std::string& saved_cursor) override {
    std::optional<std::int64_t> saved = CursorTimeUs(saved_cursor);
    newest_us_ = saved.value_or(0);
    std::optional<std::int64_t> from;
    if (saved) from = std::max<std::int64_t>(1, *saved - rewind_us_);
    return SubscribeUrl(settings_, from);
  }

  Result<stream::Frame> OnMessage(std::string_view message, UnixMillis now) override {
    HUMAS_ASSIGN_OR_RETURN(Event e, decoder_.Decode(message, now));
    stream::Frame f;
    f.mention = std::move(e.post);
    if (e.time_us > newest_us_) {
      newest_us_ = e.time_us;
      f.cursor = json({{"time_us", newest_us_}}).dump();
    }
    return f;
  }

 private:
  JetstreamSettings settings_;
  Decoder decoder_;
  std::int64_t rewind_us_;
  std::int64_t newest_us_ = 0;
};

}  // namespace

std::optional<std::int64_t> CursorTimeUs(const std::string& cursor) {
  json j = json::parse(cursor, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto it = j.find("time_us");
  if (it == j.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0)
    return std::nullopt;
  return it->get<std::int64_t>();
}

bool JetstreamProtocol::Streams(const store::Connector& c) const {
  auto s = ParseSettings(json::parse(c.settings_json, nullptr, false));
  return s.ok() && s->streams();
}

Result<std::unique_ptr<stream::Channel>> JetstreamProtocol::Open(const store::Connector& c,
                                                                 const std::string&) {
  HUMAS_ASSIGN_OR_RETURN(JetstreamSettings s,
                         ParseSettings(json::parse(c.settings_json, nullptr, false)));
  return std::unique_ptr<stream::Channel>(new JetstreamChannel(std::move(s), rewind_us_));
}

}  // namespace humas::connectors::bluesky
