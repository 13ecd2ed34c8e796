// ReplySender adapters over the platform clients in src/connectors/.
#pragma once

#include <functional>
#include <memory>

#include "connectors/mail/smtp.h"
#include "connectors/mastodon/post.h"
#include "connectors/reply/reply.h"
#include "connectors/telegram/send.h"
#include "inbox/inbox.h"

namespace humas::inbox {

//! Answers a Telegram conversation: a reply to the citizen's message in its chat (the mention's
//! external id is "<chat_id>:<message_id>").
std::unique_ptr<ReplySender> MakeTelegramSender(telegram::BotOptions options);

//! Answers on Mastodon: a public reply to the citizen's status (the mention's external id is the
//! status id), starting with @handle so the citizen is notified; the reply's idempotency key is
//! sent as Idempotency-Key.
std::unique_ptr<ReplySender> MakeMastodonSender(mastodon::ClientOptions options);

//! Answers on X (a reply post to the citizen's post), Facebook (a reply to the citizen's comment),
//! Instagram (a reply to the citizen's comment) or YouTube (a reply in the comment's thread) as
//! the account of `account` (connectors/reply/reply.h). Other platforms: nullptr.
std::unique_ptr<ReplySender> MakeAccountSender(Platform platform,
                                               connectors::reply::Account account);

//! Stores a refreshed OAuth access token of the connector the sender came from (sealed like every
//! credential); errors are logged by the sender, which goes on with the fresh token in memory.
using SaveAccessToken =
    std::function<Status(const std::string& access_token, UnixMillis expires_at)>;

//! Answers on YouTube (a reply in the comment's thread) as the channel of `account`, keeping its
//! OAuth access token fresh: with a refresh token in `oauth` it fetches a new access token when
//! none is stored, within 5 minutes of `expires_at` (0 = unknown), and once more when YouTube
//! answers 401; every new token goes to `save`. Without a refresh token it sends with the stored
//! access token as it is.
std::unique_ptr<ReplySender> MakeYoutubeSender(connectors::reply::Account account,
                                               connectors::reply::GoogleOAuth oauth,
                                               UnixMillis expires_at, const Clock& clock,
                                               SaveAccessToken save);

//! Answers a WhatsApp chat from the business number `phone_number_id`, in reply to the citizen's
//! message, only inside the 24-hour window after the citizen's last message (checked against
//! `clock` before sending: FailedPrecondition after it).
std::unique_ptr<ReplySender> MakeWhatsappSender(connectors::reply::Account account,
                                                std::string phone_number_id, const Clock& clock);

//! Answers on Bluesky: a reply post in the citizen's thread; the reply's idempotency key fixes
//! the record key, so a retry never posts twice.
std::unique_ptr<ReplySender> MakeBlueskySender(connectors::reply::BlueskyAccount account,
                                               const Clock& clock);

//! Delivers notifications by e-mail to the user's address (users without one are skipped).
std::unique_ptr<Channel> MakeEmailChannel(mail::SmtpOptions options);

//! Delivers notifications by Telegram: the humas bot writes to the user's personal chat
//! (User::telegram_chat_id; users without one are skipped). The officer must have sent /start to
//! the bot once, or Telegram refuses ("bot can't initiate conversation"), which is logged.
std::unique_ptr<Channel> MakeTelegramChannel(telegram::BotOptions options);

//! The plain text of a notification outside humas: title, body and the case it is about,
//! at most `max_chars` characters (UTF-8 safe).
std::string NotificationText(const Notification& n, size_t max_chars);

}  // namespace humas::inbox
