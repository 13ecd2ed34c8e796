// RssPoller: conditional fetch, parse, ingest, checkpoint, health.
#include "connectors/feed/poller.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "core/log.h"

namespace humas::connectors::feed {
namespace {

std::string Truncate(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  s.resize(cut);
  return s;
}

std::string Hex(const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += kHex[p[i] >> 4];
    s += kHex[p[i] & 15];
  }
  return s;
}

bool IsGlobalId(const std::string& id) {
  return id.find("://") != std::string::npos || id.rfind("tag:", 0) == 0 ||
         id.rfind("urn:", 0) == 0;
}

std::string FeedUrl(const store::Connector& c) {
  auto settings = nlohmann::json::parse(c.settings_json, nullptr, false);
  if (settings.is_object() && settings.contains("url") && settings["url"].is_string())
    return settings["url"].get<std::string>();
  return "";
}

}  // namespace

RssPoller::RssPoller(Registry& registry, store::Store& store, const Clock& clock,
                     net::HttpClient& http, ingest::MentionSink on_new, ingest::Labeler labeler)
    : registry_(registry),
      store_(store),
      clock_(clock),
      http_(http),
      on_new_(std::move(on_new)),
      labeler_(std::move(labeler)) {}

MentionInput RssPoller::ToMention(const Entry& e, const std::string& feed_url, UnixMillis now) {
  MentionInput m;
  m.platform = Platform::kRss;
  if (!e.id.empty()) {
    m.external_id = IsGlobalId(e.id) ? e.id : feed_url + "#" + e.id;
  } else if (!e.link.empty()) {
    m.external_id = e.link;
  } else {
    std::string key = feed_url + "\n" + e.title + "\n" + e.summary;
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                       nullptr, 0);
    m.external_id = feed_url + "#sha:" + Hex(h, sizeof h);
  }
  m.external_id = Truncate(m.external_id, 500);
  m.url = Truncate(e.link, 2000);
  m.author_handle = Truncate(e.author, 200);
  m.author_name = m.author_handle;
  std::string title = PlainText(e.title);
  std::string summary = PlainText(e.summary);
  m.text = Truncate(summary.empty() ? title
                    : title.empty() ? summary
                                    : title + "\n\n" + summary,
                    10000);
  m.created_at = e.published ? *e.published : e.updated ? *e.updated : now;
  m.kind = MentionKind::kPost;
  return m;
}

Result<PollResult> RssPoller::Fetch(const store::Connector& c, store::ConnectorCheckpoint* cp) {
  std::string url = FeedUrl(c);
  if (url.empty()) return InvalidArgument("connector settings have no feed url");
  net::HttpRequest req;
  req.url = url;
  req.headers.push_back({"Accept",
                         "application/rss+xml, application/atom+xml, application/rdf+xml, "
                         "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"});
  if (!c.checkpoint.etag.empty()) req.headers.push_back({"If-None-Match", c.checkpoint.etag});
  if (!c.checkpoint.last_modified.empty())
    req.headers.push_back({"If-Modified-Since", c.checkpoint.last_modified});
  HUMAS_ASSIGN_OR_RETURN(net::HttpResponse resp, http_.Get(req));
  PollResult result;
  *cp = c.checkpoint;
  if (resp.status == 304) {
    result.not_modified = true;
    return result;
  }
  if (resp.status != 200) {
    return Unavailable("HTTP " + std::to_string(resp.status) + " from " + url);
  }
  ParseOptions po;
  po.base_url = resp.effective_url.empty() ? url : resp.effective_url;
  std::string ct = resp.Header("content-type");
  if (size_t p = ct.find("charset="); p != std::string::npos) {
    std::string cs = ct.substr(p + 8);
    cs.erase(std::remove_if(cs.begin(), cs.end(), [](char ch) { return ch == '"' || ch == '\''; }),
             cs.end());
    po.charset = cs.substr(0, cs.find_first_of("; "));
  }
  HUMAS_ASSIGN_OR_RETURN(Feed feed, Parse(resp.body, po));
  std::vector<MentionInput> inputs;
  UnixMillis now = clock_.Now();
  for (const Entry& e : feed.entries) inputs.push_back(ToMention(e, url, now));
  result.fetched = static_cast<int>(inputs.size());
  ingest::IngestPolicy policy;
  policy.default_agency = c.agency_id;
  ingest::Ingestor ingestor(store_, clock_, on_new_, labeler_, policy);
  if (matcher_) ingestor.set_matcher(matcher_);
  if (near_dups_) ingestor.set_near_duplicates(near_dups_);
  ingest::IngestReport report;
  if (!inputs.empty()) {
    HUMAS_RETURN_IF_ERROR(ingestor.StoreBatch(std::move(inputs), {}, &report));
  }
  result.stored = static_cast<int>(report.imported);
  cp->etag = resp.Header("etag");
  cp->last_modified = resp.Header("last-modified");
  if (!feed.entries.empty()) cp->cursor = Truncate(feed.entries.front().id, 500);
  return result;
}

Result<PollResult> RssPoller::PollOne(const store::Connector& c) {
  store::ConnectorCheckpoint cp;
  auto r = Fetch(c, &cp);
  if (!r.ok()) {
    Log(LogLevel::kWarn, "connector.poll_failed",
        {{"connector_id", c.id}, {"platform", "rss"}, {"error", r.status().message()}});
    HUMAS_RETURN_IF_ERROR(registry_.RecordFailure(c, r.status().message()));
    return r.status();
  }
  HUMAS_RETURN_IF_ERROR(registry_.RecordSuccess(c, cp, r->stored));
  Log(LogLevel::kInfo, "connector.polled",
      {{"connector_id", c.id},
       {"platform", "rss"},
       {"fetched", r->fetched},
       {"stored", r->stored},
       {"not_modified", r->not_modified}});
  return r;
}

}  // namespace humas::connectors::feed
