// Bluesky through Jetstream (github.com/bluesky-social/jetstream): the public WebSocket service
// that turns the AT Protocol firehose into one JSON object per message. humas subscribes with
// wantedCollections=app.bsky.feed.post (and wantedDids when the connector follows accounts),
// filters by keyword and language on its side, and maps each new post to a mention.
//
// This file is the platform part only (settings, subscribe URL, event → mention); the connection,
// reconnects and storing are the stream supervisor's (connectors/stream/hub.h).
//
// Event → mention: external id = the post's AT-URI at://<did>/app.bsky.feed.post/<rkey> (what the
// inbox's Bluesky sender replies to), url = bsky.app permalink, text = record.text, created_at =
// record.createdAt (the event's time_us when missing, unreadable or more than 5 minutes ahead),
// reply.parent → in_reply_to (kind reply), a quote (embed app.bsky.embed.record or
// recordWithMedia) → shared_from (kind share when not a reply), author = the handle from an
// identity event seen on this connection, else the DID.
//
// Cursor: Jetstream's time_us (microseconds); the supervisor saves it only after the events up to
// it are stored and reconnects from a few seconds before it, so replays de-duplicate on the URI.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/model.h"
#include "core/status.h"

namespace humas::connectors::bluesky {

inline constexpr char kDefaultJetstream[] = "wss://jetstream2.us-east.bsky.network/subscribe";
inline constexpr char kPostCollection[] = "app.bsky.feed.post";

//! A Bluesky connector's settings. It streams when it has keywords or accounts to follow (never
//! the whole unfiltered firehose); with neither it is only the agency's reply account.
struct JetstreamSettings {
  std::string jetstream_url = kDefaultJetstream;  //!< ws:// or wss://; tests: a fake on loopback
  std::vector<std::string> keywords;     //!< case-insensitive; a post matches if it has any
  std::vector<std::string> wanted_dids;  //!< only these accounts (Jetstream wantedDids, ≤ 10,000)
  std::vector<std::string> langs;        //!< only posts tagged with one of these (e.g. "id")
  std::string service;                   //!< the PDS for replies (inbox), unused here

  bool streams() const { return !keywords.empty() || !wanted_dids.empty(); }
};

//! Validates settings (InvalidArgument with field "settings" and a message naming the key).
Result<JetstreamSettings> ParseSettings(const nlohmann::json& settings);

//! The subscribe URL: wantedCollections=app.bsky.feed.post, one wantedDids per account, and
//! cursor (µs) when resuming.
std::string SubscribeUrl(const JetstreamSettings& settings, std::optional<std::int64_t> cursor_us);

//! One decoded Jetstream message.
struct Event {
  std::int64_t time_us = 0;          //!< 0 when absent
  std::optional<MentionInput> post;  //!< a new post that passes the connector's filters
  bool filtered_out = false;         //!< a post the filters dropped (counted, not stored)
};

//! Decodes messages of one connection; remembers handles from identity events.
class Decoder {
 public:
  explicit Decoder(JetstreamSettings settings);
  //! InvalidArgument for a frame that is not a Jetstream JSON object (nothing changes).
  Result<Event> Decode(std::string_view frame, UnixMillis now);
  //! The post record of a commit → mention (no filters); nullopt when it has no text.
  std::optional<MentionInput> ToMention(const std::string& did, const std::string& rkey,
                                        const nlohmann::json& record, std::int64_t time_us,
                                        UnixMillis now) const;

 private:
  bool Wanted(const MentionInput& m, const nlohmann::json& record) const;

  JetstreamSettings settings_;
  std::vector<std::string> folded_keywords_;
  std::map<std::string, std::string> handles_;  //!< did → handle (identity events)
};

}  // namespace humas::connectors::bluesky
