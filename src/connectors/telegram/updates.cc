// GetUpdates: one getUpdates call per page.
#include "connectors/telegram/updates.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "connectors/pull/settings.h"
#include "connectors/webhook/mapping.h"

namespace humas::connectors::telegram {
namespace {

using json = nlohmann::json;

std::string Scrub(std::string text, const std::string& token) {
  if (token.empty()) return text;
  for (size_t p; (p = text.find(token)) != std::string::npos;)
    text.replace(p, token.size(), "<bot_token>");
  return text;
}

Status Scrubbed(const Status& s, const std::string& token) {
  return Status(s.code(), Scrub(s.message(), token));
}

std::int64_t ReadOffset(const std::string& cursor) {
  json j = json::parse(cursor, nullptr, false);
  if (j.is_object() && j.contains("offset") && j["offset"].is_number_integer())
    return j["offset"].get<std::int64_t>();
  return 0;
}

}  // namespace

Result<pull::Page> GetUpdates::Next(const pull::RunContext& ctx, const std::string& cursor,
                                    std::optional<UnixMillis>* retry_at) {
  json settings_json = json::parse(ctx.connector.settings_json, nullptr, false);
  HUMAS_ASSIGN_OR_RETURN(pull::TelegramSettings settings,
                         pull::ParseTelegramSettings(settings_json));
  const std::string token = pull::Credential(ctx.credentials, "bot_token");
  if (token.empty()) return FailedPrecondition("credentials.bot_token is not set");
  const std::int64_t offset = ReadOffset(cursor);
  net::HttpRequest req;
  req.url = settings.api_base + "/bot" + token +
            "/getUpdates?timeout=0&limit=" + std::to_string(settings.limit) + "&allowed_updates=" +
            net::UrlEscape(R"(["message","edited_message","channel_post","edited_channel_post"])");
  if (offset > 0) req.url += "&offset=" + std::to_string(offset);
  auto resp = ctx.http.Get(req);
  if (!resp.ok()) return Scrubbed(resp.status(), token);
  json body = json::parse(resp->body, nullptr, false);
  std::string description =
      body.is_object() && body.contains("description") && body["description"].is_string()
          ? Scrub(body["description"].get<std::string>().substr(0, 300), token)
          : "";
  auto what = [&](const std::string& s) {
    return description.empty() ? s : s + ": " + description;
  };
  const int st = resp->status;
  if (st != 200 || !body.is_object() || !body.value("ok", false)) {
    if (st == 429) {
      *retry_at = net::HttpClient::RateLimitResetAt(*resp, ctx.clock.Now());
      const json& params = body.is_object() ? body.value("parameters", json::object()) : json();
      if (params.is_object() && params.contains("retry_after") &&
          params["retry_after"].is_number_integer())
        *retry_at = ctx.clock.Now() + params["retry_after"].get<std::int64_t>() * 1000;
      return Unavailable(what("rate limited by Telegram (HTTP 429)"));
    }
    if (st == 401 || st == 404)
      return PermissionDenied(
          what("Telegram refused the bot token (HTTP " + std::to_string(st) + ")"));
    if (st == 409) return FailedPrecondition(what("Telegram refused getUpdates (HTTP 409)"));
    if (st == 200 && !body.is_object())
      return InvalidArgument("Telegram answered with malformed JSON (" +
                             std::to_string(resp->body.size()) + " bytes); nothing stored");
    return Unavailable(what("HTTP " + std::to_string(st) + " from Telegram"));
  }
  if (!body.contains("result") || !body["result"].is_array())
    return InvalidArgument("Telegram answer has no result array; nothing stored");
  pull::Page page;
  std::int64_t next_offset = offset;
  const UnixMillis now = ctx.clock.Now();
  for (const json& update : body["result"]) {
    ++page.read;
    auto mapped = webhook::MapPayload(webhook::Source::kTelegram, update.dump(), now);
    if (!mapped.ok()) continue;  // no integer update_id: nothing to confirm or store
    next_offset = std::max(next_offset, update["update_id"].get<std::int64_t>() + 1);
    for (auto& m : mapped->mentions) page.mentions.push_back(std::move(m));
  }
  page.cursor = json({{"offset", next_offset}}).dump();
  page.more = static_cast<int>(body["result"].size()) >= settings.limit && next_offset > offset;
  return page;
}

}  // namespace humas::connectors::telegram
