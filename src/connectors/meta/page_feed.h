// Meta Graph API: the posts of a Facebook Page and their comments as a pull connector
// (developers.facebook.com/docs/graph-api/reference/page/feed). One call per page of posts:
//   GET /{version}/{page-id}/feed?fields=id,message,created_time,permalink_url,from,
//       comments.limit(100){id,message,created_time,from,parent,permalink_url}&limit=N[&since=][&after=]
// with the Page access token in the Authorization header (never in the URL, scrubbed from errors).
// Posts become kPost mentions (author: `from`, else the Page); comments become kComment mentions
// in reply to their post, or kReply mentions in reply to their parent comment.
//
// Checkpoint cursor (JSON): {"since": unix seconds of the newest post fully stored,
// "sweep_newest": newest post of the sweep in progress, "after": its next page cursor}. A sweep
// asks for posts newer than `since` and follows paging.cursors.after while paging.next is set;
// only at its end does `since` advance, so a restart mid-sweep resumes at the saved page.
//
// Errors (Graph {"error": {"code", "message"}}): codes 4, 17, 32, 613 (rate limits) → the next run
// at the Retry-After / rate-limit reset, else in one hour; 190 (token expired or revoked) →
// "token kedaluwarsa / token expired" in the health and no retry for a day (until the token is
// replaced).
//
// Comments beyond the embedded first page (comments.paging.next on a post): the post and the
// page's `after` cursor are queued in the checkpoint ("comments": [{"of", "after"}]) and read
// with GET /{post-id}/comments?after= one page per call, before the next page of posts, so a
// run's page budget bounds the work and a restart resumes mid-post. A post deleted meanwhile
// (404, Graph code 100) is dropped from the queue.
//
// Edited posts: a revisit (below) first reads the post itself again (GET /{post-id}?fields=...):
// a Facebook post with its message and updated_time, an Instagram media with its caption. Its text
// is a version observed then (MentionInput::edit_observed): a changed text is stored as a new
// version (edit history), at the post's updated_time on Facebook, at the time of reading on
// Instagram (Graph gives no edit time for a caption); the same words change nothing.
//
// New comments on posts older than `since`: a Facebook post with a comment from the last 7 days
// is remembered as active ("active": {post: newest comment, unix s}, the 50 most recent); at the
// end of a sweep, at most hourly ("revisited"), each active post's newest comments are queued
// for one page read with order=reverse_chronological. Instagram media with a comment in the last
// 7 days are revisited likewise, but their comments edge has no order: a revisit reads every page
// (following paging), so that edited comments are found too. Graph marks no edit on an Instagram
// comment: each comment and reply read is a version observed at the time of reading
// (MentionInput::edit_observed), which replaces the stored text only when the words differ.
//
// Instagram replies beyond the first page embedded in a comment (replies.paging.next) are queued
// like comment pages ({"of": comment id, "after", "edge": "replies"}) and read with
// GET /{comment-id}/replies?fields=id,text,timestamp,username,like_count&after=.
//
// Settings: ParseFacebookPageSettings ({"page_id", "limit", "api_base"}; api_base includes the
// Graph version, "https://graph.facebook.com/v21.0", as for the Graph replies); credentials:
// {"access_token"}. A Facebook connector without page_id is not polled (pull::IsPulled).
#pragma once

#include <nlohmann/json.hpp>

#include "connectors/pull/pull.h"

namespace humas::connectors::meta {

class PageFeed final : public pull::Source {
 public:
  Platform platform() const override { return Platform::kFacebook; }
  Result<pull::Page> Next(const pull::RunContext& ctx, const std::string& cursor,
                          std::optional<UnixMillis>* retry_at) override;

  //! A feed post → the post and its embedded comments as mentions (`page_id` authors a post
  //! without `from`).
  static std::vector<MentionInput> ToMentions(const nlohmann::json& post,
                                              const std::string& page_id, UnixMillis now);
  //! One comment of a post (embedded or from /{post-id}/comments) → a mention in `out`.
  static void CommentToMentions(const nlohmann::json& comment, const std::string& post_id,
                                UnixMillis now, std::vector<MentionInput>* out);
  //! A post read again by a revisit (GET /{post-id}?fields=...,updated_time) → a version of it
  //! in `out` (MentionInput::edit_observed) written at Graph's updated_time (when the post last
  //! changed; Graph also moves it for a new comment, so it is never earlier than the edit), or at
  //! `now` without one: the stored post takes it only if its words differ.
  static void PostVersion(const nlohmann::json& post, const std::string& page_id, UnixMillis now,
                          std::vector<MentionInput>* out);
};

//! Meta Graph API: the media of an Instagram professional account and their comments with replies
//! (developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media):
//!   GET /{version}/{ig-user-id}/media?fields=id,caption,timestamp,permalink,username,...,
//!       comments.limit(50){id,text,timestamp,username,like_count,replies{...}}
//! Same checkpoint, paging and errors as PageFeed (`since` on the media timestamp). Media become
//! kPost mentions, comments kComment mentions in reply to the media, replies kReply mentions in
//! reply to their comment; comment and reply texts are observed versions (edits, see above),
//! replies past the embedded page are read from /{comment-id}/replies. Settings:
//! ParseInstagramMediaSettings; credentials: {"access_token"}.
class InstagramMedia final : public pull::Source {
 public:
  Platform platform() const override { return Platform::kInstagram; }
  Result<pull::Page> Next(const pull::RunContext& ctx, const std::string& cursor,
                          std::optional<UnixMillis>* retry_at) override;

  static std::vector<MentionInput> ToMentions(const nlohmann::json& media,
                                              const std::string& ig_user_id, UnixMillis now);
  //! One comment of a media and its embedded replies → mentions in `out`.
  static void CommentToMentions(const nlohmann::json& comment, const std::string& media_id,
                                UnixMillis now, std::vector<MentionInput>* out);
  //! One reply to a comment (embedded, or from /{comment-id}/replies) → a mention in `out`.
  static void ReplyToMentions(const nlohmann::json& reply, const std::string& comment_id,
                              UnixMillis now, std::vector<MentionInput>* out);
  //! A media read again by a revisit (GET /{media-id}?fields=id,caption,...) → a version of its
  //! caption observed `now` (Graph marks no caption edit): the stored media takes it only if its
  //! words differ (MentionInput::edit_observed).
  static void PostVersion(const nlohmann::json& media, const std::string& ig_user_id,
                          UnixMillis now, std::vector<MentionInput>* out);
};

}  // namespace humas::connectors::meta
