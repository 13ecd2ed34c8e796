// ReplySender adapters (see senders.h).
#include "inbox/senders.h"

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

class EmailChannel final : public Channel {
 public:
  explicit EmailChannel(mail::SmtpOptions o) : options_(std::move(o)) {}
  std::string name() const override { return "email"; }
  Status Deliver(const User& to, const Notification& n) override {
    if (to.email.empty()) return Status::Ok();
    mail::Message m;
    m.to = to.email;
    m.subject = "[humas] " + n.title;
    m.body = n.body;
    if (n.case_id) m.body += "\n\nKasus #" + std::to_string(*n.case_id) + " di kotak masuk humas.";
    return mail::Send(options_, m);
  }

 private:
  mail::SmtpOptions options_;
};

}  // namespace

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
