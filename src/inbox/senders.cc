// ReplySender adapters (see senders.h).
#include "inbox/senders.h"

#include <charconv>

#include "core/log.h"

namespace humas::inbox {
namespace {

class TelegramSender final : public ReplySender {
 public:
  explicit TelegramSender(telegram::BotOptions o) : options_(std::move(o)) {}
  Result<SentReply> Send(const Reply& r, const Case&) override {
    std::int64_t chat = 0;
    std::int64_t message = 0;
    HUMAS_RETURN_IF_ERROR(telegram::ParseMessageRef(r.in_reply_to, &chat, &message));
    HUMAS_ASSIGN_OR_RETURN(telegram::SentMessage m,
                           telegram::SendMessage(options_, chat, r.text, message));
    return SentReply{std::to_string(m.chat_id) + ":" + std::to_string(m.message_id), m.url};
  }

 private:
  telegram::BotOptions options_;
};

class MastodonSender final : public ReplySender {
 public:
  explicit MastodonSender(mastodon::ClientOptions o) : options_(std::move(o)) {}
  Result<SentReply> Send(const Reply& r, const Case& c) override {
    std::string text = r.text;
    std::string handle = c.citizen_handle;
    if (!handle.empty() && handle[0] != '@') handle = "@" + handle;
    if (!handle.empty() && text.find(handle) == std::string::npos) text = handle + " " + text;
    size_t chars = 0;
    for (unsigned char ch : text)
      if ((ch & 0xC0) != 0x80) ++chars;
    if (chars > static_cast<size_t>(MaxReplyChars(Platform::kMastodon)))
      return InvalidArgument(
          "with the citizen's @handle the reply is longer than Mastodon's 500 "
          "characters; shorten it");
    HUMAS_ASSIGN_OR_RETURN(mastodon::PostedStatus s,
                           mastodon::PostReply(options_, r.in_reply_to, text, r.idempotency_key));
    return SentReply{s.id, s.url};
  }

 private:
  mastodon::ClientOptions options_;
};

class AccountSender final : public ReplySender {
 public:
  AccountSender(Platform p, connectors::reply::Account a) : platform_(p), account_(std::move(a)) {}
  Result<SentReply> Send(const Reply& r, const Case&) override {
    Result<connectors::reply::Posted> posted = Internal("no reply client for this platform");
    switch (platform_) {
      case Platform::kX:
        posted = connectors::reply::PostXReply(account_, r.in_reply_to, r.text);
        break;
      case Platform::kFacebook:
        posted = connectors::reply::PostFacebookReply(account_, r.in_reply_to, r.text);
        break;
      case Platform::kInstagram:
        posted = connectors::reply::PostInstagramReply(account_, r.in_reply_to, r.text);
        break;
      case Platform::kYoutube:
        posted = connectors::reply::PostYoutubeReply(account_, r.in_reply_to, r.text);
        break;
      default:
        break;
    }
    if (!posted.ok()) return posted.status();
    return SentReply{posted->id, posted->url};
  }

 private:
  Platform platform_;
  connectors::reply::Account account_;
};

class YoutubeSender final : public ReplySender {
 public:
  YoutubeSender(connectors::reply::Account a, connectors::reply::GoogleOAuth o,
                UnixMillis expires_at, const Clock& clock, SaveAccessToken save)
      : account_(std::move(a)),
        oauth_(std::move(o)),
        expires_at_(expires_at),
        clock_(clock),
        save_(std::move(save)) {}

  Result<SentReply> Send(const Reply& r, const Case&) override {
    bool refreshed = false;
    bool can_refresh = !oauth_.refresh_token.empty();
    if (can_refresh &&
        (account_.token.empty() || (expires_at_ > 0 && clock_.Now() >= expires_at_ - kEarlyMs))) {
      HUMAS_RETURN_IF_ERROR(Refresh());
      refreshed = true;
    }
    auto posted = connectors::reply::PostYoutubeReply(account_, r.in_reply_to, r.text);
    // 401: the token expired or was revoked early. Nothing was posted, so one more try with a new
    // token cannot post twice.
    if (!posted.ok() && can_refresh && !refreshed &&
        posted.status().code() == Code::kPermissionDenied &&
        posted.status().message().find("(HTTP 401") != std::string::npos) {
      HUMAS_RETURN_IF_ERROR(Refresh());
      posted = connectors::reply::PostYoutubeReply(account_, r.in_reply_to, r.text);
    }
    if (!posted.ok()) return posted.status();
    return SentReply{posted->id, posted->url};
  }

 private:
  static constexpr UnixMillis kEarlyMs = 5 * 60'000;

  Status Refresh() {
    HUMAS_ASSIGN_OR_RETURN(connectors::reply::AccessToken t,
                           connectors::reply::RefreshGoogleToken(oauth_, clock_.Now()));
    account_.token = t.token;
    expires_at_ = t.expires_at;
    if (save_) {
      Status s = save_(t.token, t.expires_at);
      if (!s.ok()) Log(LogLevel::kWarn, "inbox.youtube_token_not_saved", {{"error", s.message()}});
    }
    return Status::Ok();
  }

  connectors::reply::Account account_;
  connectors::reply::GoogleOAuth oauth_;
  UnixMillis expires_at_;
  const Clock& clock_;
  SaveAccessToken save_;
};

class WhatsappSender final : public ReplySender {
 public:
  WhatsappSender(connectors::reply::Account a, std::string phone, const Clock& clock)
      : account_(std::move(a)), phone_(std::move(phone)), clock_(clock) {}
  Result<SentReply> Send(const Reply& r, const Case& c) override {
    auto closes = ReplyWindowClosesAt(c);
    if (closes && clock_.Now() >= *closes)
      return FailedPrecondition(
          "WhatsApp only allows a reply within 24 hours of the citizen's "
          "last message; that window closed at " +
          FormatRfc3339(*closes));
    std::string to = r.recipient.empty() ? c.citizen_handle : r.recipient;
    HUMAS_ASSIGN_OR_RETURN(
        connectors::reply::Posted m,
        connectors::reply::SendWhatsappText(account_, phone_, to, r.in_reply_to, r.text));
    return SentReply{m.id, m.url};
  }

 private:
  connectors::reply::Account account_;
  std::string phone_;
  const Clock& clock_;
};

class BlueskySender final : public ReplySender {
 public:
  BlueskySender(connectors::reply::BlueskyAccount a, const Clock& clock)
      : account_(std::move(a)), clock_(clock) {}
  Result<SentReply> Send(const Reply& r, const Case&) override {
    HUMAS_ASSIGN_OR_RETURN(
        connectors::reply::Posted p,
        connectors::reply::PostBlueskyReply(account_, r.in_reply_to, r.text, r.idempotency_key,
                                            r.created_at, clock_.Now()));
    return SentReply{p.id, p.url};
  }

 private:
  connectors::reply::BlueskyAccount account_;
  const Clock& clock_;
};

class EmailChannel final : public Channel {
 public:
  explicit EmailChannel(mail::SmtpOptions o) : options_(std::move(o)) {}
  std::string name() const override { return "email"; }
  Status Deliver(const User& to, const Notification& n) override {
    if (to.email.empty()) return Status::Ok();
    mail::Message m;
    m.to = to.email;
    m.subject = "[humas] " + n.title;
    Notification body_only;  // the title is the subject
    body_only.case_id = n.case_id;
    body_only.body = n.body;
    m.body = NotificationText(body_only, 100'000);
    return mail::Send(options_, m);
  }

 private:
  mail::SmtpOptions options_;
};

class TelegramChannel final : public Channel {
 public:
  explicit TelegramChannel(telegram::BotOptions o) : options_(std::move(o)) {}
  std::string name() const override { return "telegram"; }
  Status Deliver(const User& to, const Notification& n) override {
    if (to.telegram_chat_id.empty()) return Status::Ok();
    std::int64_t chat = 0;
    auto [p, ec] = std::from_chars(to.telegram_chat_id.data(),
                                   to.telegram_chat_id.data() + to.telegram_chat_id.size(), chat);
    if (ec != std::errc() || p != to.telegram_chat_id.data() + to.telegram_chat_id.size())
      return InvalidArgument("user " + to.username + " has no valid Telegram chat id");
    return telegram::SendMessage(options_, chat, NotificationText(n, 4096), 0).status();
  }

 private:
  telegram::BotOptions options_;
};

//! The longest prefix of `s` with at most `max_chars` UTF-8 characters.
std::string TruncateUtf8(const std::string& s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) return s.substr(0, i);
  }
  return s;
}

}  // namespace

std::string NotificationText(const Notification& n, size_t max_chars) {
  std::string tail;
  if (n.case_id) tail = "\n\nKasus #" + std::to_string(*n.case_id) + " di kotak masuk humas.";
  std::string head = n.title;
  if (!n.body.empty()) head += head.empty() ? n.body : "\n\n" + n.body;
  size_t tail_chars = tail.size();  // ASCII
  if (max_chars <= tail_chars) return TruncateUtf8(tail, max_chars);
  std::string cut = TruncateUtf8(head, max_chars - tail_chars);
  if (cut.size() < head.size() && max_chars - tail_chars > 1) {
    cut = TruncateUtf8(head, max_chars - tail_chars - 1) + "\u2026";
  }
  return cut + tail;
}

std::unique_ptr<ReplySender> MakeAccountSender(Platform p, connectors::reply::Account account) {
  if (p != Platform::kX && p != Platform::kFacebook && p != Platform::kInstagram &&
      p != Platform::kYoutube)
    return nullptr;
  return std::make_unique<AccountSender>(p, std::move(account));
}

std::unique_ptr<ReplySender> MakeYoutubeSender(connectors::reply::Account account,
                                               connectors::reply::GoogleOAuth oauth,
                                               UnixMillis expires_at, const Clock& clock,
                                               SaveAccessToken save) {
  return std::make_unique<YoutubeSender>(std::move(account), std::move(oauth), expires_at, clock,
                                         std::move(save));
}

std::unique_ptr<ReplySender> MakeWhatsappSender(connectors::reply::Account account,
                                                std::string phone_number_id, const Clock& clock) {
  return std::make_unique<WhatsappSender>(std::move(account), std::move(phone_number_id), clock);
}

std::unique_ptr<ReplySender> MakeBlueskySender(connectors::reply::BlueskyAccount account,
                                               const Clock& clock) {
  return std::make_unique<BlueskySender>(std::move(account), clock);
}

std::unique_ptr<Channel> MakeTelegramChannel(telegram::BotOptions options) {
  return std::make_unique<TelegramChannel>(std::move(options));
}

std::unique_ptr<Channel> MakeEmailChannel(mail::SmtpOptions options) {
  return std::make_unique<EmailChannel>(std::move(options));
}

std::unique_ptr<ReplySender> MakeMastodonSender(mastodon::ClientOptions options) {
  return std::make_unique<MastodonSender>(std::move(options));
}

std::unique_ptr<ReplySender> MakeTelegramSender(telegram::BotOptions options) {
  return std::make_unique<TelegramSender>(std::move(options));
}

}  // namespace humas::inbox
