// Subcommands: serve, user, ingest, audit, migrate.
#include "app/commands.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "alerts/engine.h"
#include "api/api.h"
#include "app/config.h"
#include "app/demo_runtime.h"
#include "app/flags.h"
#include "connectors/bluesky/stream.h"
#include "connectors/feed/poller.h"
#include "connectors/mastodon/stream.h"
#include "connectors/mastodon/timeline.h"
#include "connectors/meta/page_feed.h"
#include "connectors/net/http_client.h"
#include "connectors/pull/pull.h"
#include "connectors/pull/settings.h"
#include "connectors/registry/registry.h"
#include "connectors/stream/hub.h"
#include "connectors/stream/totals.h"
#include "connectors/telegram/updates.h"
#include "connectors/webhook/intake.h"
#include "connectors/x/recent_search.h"
#include "connectors/x/stream.h"
#include "connectors/youtube/comment_threads.h"
#include "core/log.h"
#include "inbox/accounts.h"
#include "inbox/inbox.h"
#include "inbox/senders.h"
#include "ingest/ingest.h"
#include "ingest/labeling.h"
#include "jobs/runner.h"
#include "store/counters.h"
#include "store/spread.h"

namespace humas::app {

namespace {

namespace fs = std::filesystem;

int Fail(const std::string& what, const Status& s) {
  std::fprintf(stderr, "humas: %s: %s\n", what.c_str(), s.message().c_str());
  return 1;
}

const Clock& WallClock() {
  static const SystemClock clock;
  return clock;
}

Result<std::unique_ptr<store::Store>> OpenStore(const std::string& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return Unavailable("cannot create data directory " + data_dir + ": " + ec.message());
  store::SqliteOptions o;
  o.path = (fs::path(data_dir) / "humas.db").string();
  return store::OpenSqliteStore(o, WallClock());
}

std::string FindWebDir(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(exe.parent_path() / "web");
    candidates.push_back(exe.parent_path().parent_path().parent_path().parent_path() / "web" /
                         "dist");
  }
  candidates.push_back(fs::current_path(ec) / "web" / "dist");
  candidates.push_back("/usr/share/humas/web");
  for (const auto& c : candidates)
    if (fs::exists(c / "index.html", ec)) return c.string();
  return "";
}

//! Loads configuration: defaults < --config file < HUMAS_* environment < flags.
Result<Config> LoadConfig(const Flags& flags, Config config = {}) {
  if (auto path = flags.Get("config")) HUMAS_RETURN_IF_ERROR(LoadConfigFile(&config, *path));
  HUMAS_RETURN_IF_ERROR(LoadConfigEnv(&config, HumasEnvironment()));
  if (auto v = flags.Get("data-dir"))
    HUMAS_RETURN_IF_ERROR(ApplyConfigValue(&config, "data_dir", *v, "--data-dir"));
  if (auto v = flags.Get("listen"))
    HUMAS_RETURN_IF_ERROR(ApplyConfigValue(&config, "listen", *v, "--listen"));
  if (auto v = flags.Get("web-dir"))
    HUMAS_RETURN_IF_ERROR(ApplyConfigValue(&config, "web_dir", *v, "--web-dir"));
  if (auto v = flags.Get("workers"))
    HUMAS_RETURN_IF_ERROR(ApplyConfigValue(&config, "workers", *v, "--workers"));
  if (auto v = flags.Get("models-dir"))
    HUMAS_RETURN_IF_ERROR(ApplyConfigValue(&config, "models_dir", *v, "--models-dir"));
  if (auto v = flags.Get("demo-rate"))
    HUMAS_RETURN_IF_ERROR(ApplyConfigValue(&config, "demo_rate_per_minute", *v, "--demo-rate"));
  return config;
}

constexpr UnixMillis kMaintenanceEveryMs = 3600 * 1000;
//! Newest stored mentions loaded into the near-duplicate index at start (docs/api.md).
constexpr std::int64_t kNearDuplicateWarmMentions = 50000;

//! Schedules the next hourly maintenance run (idempotent: one pending run per hour).
Status ScheduleMaintenance(store::Store& store, UnixMillis now) {
  Job job;
  job.queue = "maintenance";
  job.payload_json = "{\"task\":\"sessions.cleanup\"}";
  job.run_at = (now / kMaintenanceEveryMs + 1) * kMaintenanceEveryMs;
  job.dedupe_key = "maintenance:" + std::to_string(job.run_at);
  return store.jobs().Enqueue(&job);
}

//! The language engine's labeler, or an empty one (labels left empty) when no model is found.
ingest::Labeler LabelerOrNothing(const std::string& models_dir) {
  auto labeler = ingest::LoadLabeler(models_dir);
  if (labeler.ok()) {
    Log(LogLevel::kInfo, "nlp.models_loaded", {{"models", "sentiment"}});
    return *labeler;
  }
  Log(LogLevel::kWarn, "nlp.models_missing",
      {{"error", labeler.status().message()},
       {"effect", "mentions are stored without sentiment labels"}});
  return {};
}

webhook::WebhookOptions WebhookOptionsFrom(const Config& c) {
  webhook::WebhookOptions o;
  o.secrets.meta_app_secret = c.webhook_meta_app_secret;
  o.secrets.meta_verify_token = c.webhook_meta_verify_token;
  o.secrets.whatsapp_app_secret = c.webhook_whatsapp_app_secret;
  o.secrets.whatsapp_verify_token = c.webhook_whatsapp_verify_token;
  o.secrets.x_consumer_secret = c.webhook_x_consumer_secret;
  o.secrets.telegram = c.webhook_telegram_secrets;
  o.secrets.standard = c.webhook_standard_secrets;
  o.rate_per_minute = c.webhook_rate_per_minute;
  o.burst = std::max(10.0, c.webhook_rate_per_minute / 6);  // ten seconds' worth
  o.max_pending = c.webhook_max_pending;
  return o;
}

LogLevel ParseLevel(const std::string& s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

}  // namespace

int ServeCommand(const std::vector<std::string>& args, bool demo) {
  auto flags = ParseFlags(
      args, {"data-dir", "listen", "config", "web-dir", "models-dir", "workers", "demo-rate"}, {});
  if (!flags.ok()) return Fail(demo ? "demo" : "serve", flags.status());
  Config defaults;
  if (demo) defaults.data_dir = ".demo";
  auto config = LoadConfig(*flags, defaults);
  if (!config.ok()) return Fail("configuration", config.status());
  SetLogLevel(ParseLevel(config->log_level));
  if (Status s = api::InitCrypto(); !s.ok()) return Fail("crypto", s);

  // Block the stop signals in every thread; one thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto store = OpenStore(config->data_dir);
  if (!store.ok()) return Fail("database", store.status());
  Log(LogLevel::kInfo, "store.open",
      {{"data_dir", config->data_dir}, {"schema_version", (*store)->schema_version()}});

  api::ApiOptions api_options;
  api_options.cookie_secure = config->cookie_secure;
  api_options.session_idle_ms = config->session_idle_minutes * 60LL * 1000;
  api_options.session_max_ms = config->session_max_hours * 3600LL * 1000;
  api_options.trusted_proxies = config->trusted_proxies;
  api::Context ctx(**store, WallClock(), api_options);
  ctx.labeler = LabelerOrNothing(config->models_dir);
  // Every intake path matches against the stored active queries from the first mention on (not
  // only after the first query edit of this run).
  if (Status s = ctx.matchers->Rebuild((*store)->queries()); !s.ok()) return Fail("queries", s);
  // Copies of what arrived before a restart are still recognised.
  if (Status s = ctx.near_duplicates->Warm((*store)->queries(), kNearDuplicateWarmMentions);
      !s.ok())
    return Fail("near-duplicates", s);

  // Connector credentials are sealed under a key kept outside the database (never logged).
  std::string key_file = config->connector_key_file.empty()
                             ? (fs::path(config->data_dir) / "connectors.key").string()
                             : config->connector_key_file;
  auto box = connectors::CredentialBox::OpenKeyFile(key_file);
  if (!box.ok()) return Fail("connector key", box.status());
  connectors::Registry registry(**store, WallClock(), std::move(box).value());
  ctx.connectors = &registry;

  // Background work runs from the durable job queue, so it survives restarts.
  jobs::RunnerOptions runner_options;
  runner_options.workers = config->job_workers;
  jobs::JobRunner runner((*store)->jobs(), WallClock(), "serve:" + std::to_string(::getpid()),
                         runner_options);
  store::Store& st = **store;
  runner.Register("maintenance", [&st](const Job&) -> Status {
    UnixMillis now = WallClock().Now();
    auto removed = st.users().DeleteExpiredSessions(now);
    if (!removed.ok()) return removed.status();
    Log(LogLevel::kInfo, "maintenance.sessions_removed", {{"count", *removed}});
    return ScheduleMaintenance(st, now);
  });
  if (Status s = ScheduleMaintenance(st, WallClock().Now()); !s.ok()) return Fail("jobs", s);
  // The inbox: reply senders per platform, notification channels, the SLA sweep.
  inbox::Runtime inbox_runtime(st, WallClock());
  ctx.inbox = &inbox_runtime;
  // Replies go out as the agency's own account (its connector); the keys below are the fallback.
  inbox::RegistryAccounts reply_accounts(registry, st, WallClock());
  inbox_runtime.accounts = &reply_accounts;
  // Listening alerts write to the agencies' Telegram groups with the same bot.
  alerts::EngineOptions alert_options;
  alert_options.public_url = config->public_url;
  if (!config->telegram_bot_token.empty()) {
    telegram::BotOptions bot;
    bot.bot_token = config->telegram_bot_token;
    bot.api_base = config->telegram_api_base;
    alert_options.telegram = bot;
    inbox_runtime.senders[Platform::kTelegram] = inbox::MakeTelegramSender(bot);
    // The same bot writes notifications to officers who gave their Telegram chat id.
    bot.timeout_ms = 10000;  // delivered by a job of the "inbox" queue, never in a request
    inbox_runtime.channels.push_back(inbox::MakeTelegramChannel(bot));
  }
  if (!config->mastodon_instance_url.empty() && !config->mastodon_access_token.empty()) {
    mastodon::ClientOptions m;
    m.instance_url = config->mastodon_instance_url;
    m.access_token = config->mastodon_access_token;
    inbox_runtime.senders[Platform::kMastodon] = inbox::MakeMastodonSender(m);
  }
  if (!config->smtp_url.empty()) {
    mail::SmtpOptions smtp;
    smtp.url = config->smtp_url;
    smtp.from = config->smtp_from;
    smtp.username = config->smtp_username;
    smtp.password = config->smtp_password;
    smtp.require_tls = config->smtp_require_tls;
    inbox_runtime.channels.push_back(inbox::MakeEmailChannel(smtp));
  }
  // Replies sent or failed by the queue show up live in open case views.
  inbox_runtime.case_changed = [&ctx](Id case_id) { api::PublishCaseChange(ctx, case_id); };
  if (Status s = inbox::RegisterJobs(runner, inbox_runtime); !s.ok()) return Fail("jobs", s);
  // Listening alerts: evaluated on schedule, told through the inbox's notifications and channels.
  alerts::Engine alert_engine(inbox_runtime, alert_options,
                              [&ctx](const store::Alert& a, const std::string& change) {
                                api::PublishAlert(ctx, a, change);
                              });
  ctx.alerts = &alert_engine;
  if (Status s = alerts::RegisterJobs(runner, alert_engine, st, WallClock(),
                                      config->alert_every_seconds * 1000LL);
      !s.ok())
    return Fail("jobs", s);

  // Listening connectors: one tick job runs every due connector of every kind (RSS/Atom feeds,
  // X recent search, ...); each connector keeps its own schedule, checkpoint and health.
  connectors::net::HttpOptions http_options;
  http_options.backoff_max_ms = 30'000;
  connectors::net::HttpClient http_client(http_options);
  ingest::MentionSink publish = [&ctx](const Mention& m) { api::PublishMention(ctx, m, nullptr); };
  connectors::feed::RssPoller rss_poller(registry, st, WallClock(), http_client, publish,
                                         ctx.labeler);
  rss_poller.set_matcher(listening::IntakeMatcher(ctx.matchers));
  rss_poller.set_near_duplicates(ctx.near_duplicates);
  connectors::pull::Runner pull_runner(registry, st, WallClock(), http_client, publish,
                                       ctx.labeler);
  pull_runner.set_matcher(listening::IntakeMatcher(ctx.matchers));
  pull_runner.set_near_duplicates(ctx.near_duplicates);
  connectors::x::RecentSearch x_search;
  connectors::telegram::GetUpdates telegram_updates;
  connectors::mastodon::Timeline mastodon_timeline;
  connectors::youtube::CommentThreads youtube_comments;
  connectors::meta::PageFeed facebook_feed;
  connectors::pull::Dispatcher dispatcher(st, WallClock());
  dispatcher.Register(Platform::kRss,
                      [&](const store::Connector& c) { return rss_poller.PollOne(c).status(); });
  // An X connector with settings.stream is the filtered stream (the stream worker below): never
  // polled, put off a day like the answer-only Graph connectors.
  dispatcher.Register(Platform::kX, [&](const store::Connector& c) -> Status {
    if (!connectors::pull::IsPulled(c.platform,
                                    nlohmann::json::parse(c.settings_json, nullptr, false)))
      return st.connectors().Schedule(c.id, WallClock().Now() + 24 * 3'600'000LL);
    return pull_runner.RunOne(x_search, c).status();
  });
  for (connectors::pull::Source* source :
       std::initializer_list<connectors::pull::Source*>{&telegram_updates, &youtube_comments}) {
    dispatcher.Register(source->platform(), [&pull_runner, source](const store::Connector& c) {
      return pull_runner.RunOne(*source, c).status();
    });
  }
  // A Facebook / Instagram connector without settings.page_id / ig_user_id only answers (Graph
  // replies): not polled, and put off a day so it never crowds the pulled ones out of the tick's
  // per-kind batch.
  connectors::meta::InstagramMedia instagram_media;
  for (connectors::pull::Source* source :
       std::initializer_list<connectors::pull::Source*>{&facebook_feed, &instagram_media}) {
    dispatcher.Register(source->platform(), [&, source](const store::Connector& c) -> Status {
      if (!connectors::pull::IsPulled(c.platform,
                                      nlohmann::json::parse(c.settings_json, nullptr, false)))
        return st.connectors().Schedule(c.id, WallClock().Now() + 24 * 3'600'000LL);
      return pull_runner.RunOne(*source, c).status();
    });
  }
  // Stream connectors (Bluesky Jetstream, Mastodon streaming, X filtered stream over HTTP): one
  // supervised event-loop thread
  // keeps their connections open, stores what arrives in batches and saves each cursor once it
  // is durable. A streaming Mastodon connector's timeline is still polled after each
  // (re)connection and whenever its stream is down.
  connectors::bluesky::JetstreamProtocol jetstream;
  // The instance's announced streaming host is looked up once per session, on the worker's
  // loop: short timeouts and no retry so a silent instance delays the other streams little.
  connectors::net::HttpOptions lookup_options = http_options;
  lookup_options.connect_timeout_ms = 3'000;
  lookup_options.timeout_ms = 5'000;
  lookup_options.max_attempts = 1;
  connectors::net::HttpClient lookup_http(lookup_options);
  connectors::mastodon::StreamProtocol mastodon_stream(&lookup_http);
  connectors::stream::Hub streams(registry, st, WallClock(), publish, ctx.labeler);
  streams.set_matcher(listening::IntakeMatcher(ctx.matchers));
  streams.Add(&jetstream);
  streams.Add(&mastodon_stream);
  connectors::x::StreamProtocol x_stream(st, WallClock());
  streams.Add(&x_stream);
  connectors::mastodon::TimelineFallback mastodon_pull(pull_runner, mastodon_timeline, st,
                                                       WallClock(), mastodon_stream, &streams);
  dispatcher.Register(Platform::kMastodon, [&mastodon_pull](const store::Connector& c) {
    return mastodon_pull.Run(c).status();
  });
  const UnixMillis poll_tick_ms = config->connector_poll_tick_seconds * 1000LL;
  runner.Register(connectors::pull::kTickQueue, [&](const Job&) -> Status {
    auto ran = dispatcher.RunDue();
    if (!ran.ok())
      Log(LogLevel::kWarn, "connector.tick_failed", {{"error", ran.status().message()}});
    return connectors::pull::ScheduleTick(st, WallClock().Now(), poll_tick_ms);
  });
  // Ticks queued by earlier versions (RSS only) are drained; the tick above covers RSS now.
  runner.Register(connectors::feed::kPollQueue, [](const Job&) { return Status::Ok(); });
  if (Status s = connectors::pull::ScheduleTick(st, WallClock().Now(), poll_tick_ms); !s.ok())
    return Fail("jobs", s);
  if (Status s = runner.Start(); !s.ok()) return Fail("jobs", s);
  if (Status s = streams.Start(); !s.ok()) return Fail("streams", s);
  // The connectors page shows each stream's counters over its life, not since this start.
  connectors::stream::PersistentHealth stream_totals(streams, st.connectors());
  stream_totals.Start();
  ctx.streams = &stream_totals;

  std::unique_ptr<DemoRuntime> demo_runtime;
  if (demo) {
    auto seeded = SeedDemoRegion(**store, WallClock(), ctx.labeler, ctx.near_duplicates);
    if (!seeded.ok()) return Fail("demo region", seeded.status());
  }

  http::ServerOptions options;
  options.host = config->host;
  options.port = config->port;
  options.worker_threads = config->workers;
  options.static_dir = FindWebDir(config->web_dir);
  if (options.static_dir.empty())
    Log(LogLevel::kWarn, "web.missing",
        {{"hint", "web client not built: run scripts/setup.sh or pass --web-dir"}});
  auto server = http::NewServer(options);
  api::RegisterRoutes(*server, ctx);
  webhook::WebhookIntake webhooks(ctx, WebhookOptionsFrom(*config));
  webhook::RegisterWebhookRoutes(*server, webhooks);
  if (Status s = webhooks.Start(); !s.ok()) return Fail("webhooks", s);
  if (Status s = server->Start(); !s.ok()) return Fail("listen", s);

  std::string host =
      config->host.find(':') != std::string::npos ? "[" + config->host + "]" : config->host;
  std::string url = "http://" + host + ":" + std::to_string(server->port()) + "/";
  if (demo) {
    demo_runtime = std::make_unique<DemoRuntime>(ctx, config->demo_rate_per_minute);
    demo_runtime->Start();
    PrintDemoBanner(url);
  }
  Log(LogLevel::kInfo, "server.ready",
      {{"url", url}, {"web_dir", options.static_dir}, {"workers", config->workers}});

  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    Log(LogLevel::kInfo, "server.stopping", {{"signal", sig}});
    server->Stop();
  });
  server->Wait();
  // If Wait() returned for another reason, wake the signal thread so it can be joined.
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  if (demo_runtime) demo_runtime->Stop();
  webhooks.Stop();
  streams.Stop();
  stream_totals.Stop();  // after the worker: its last counts are saved
  runner.Stop();
  Log(LogLevel::kInfo, "server.stopped");
  return 0;
}

int UserCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "add") {
    std::fprintf(stderr,
                 "usage: humas user add --data-dir DIR --username NAME --role ROLE "
                 "[--agency CODE] [--display-name NAME]  (password on standard input)\n");
    return 2;
  }
  auto flags = ParseFlags({args.begin() + 1, args.end()},
                          {"data-dir", "username", "role", "agency", "display-name", "config"}, {});
  if (!flags.ok()) return Fail("user add", flags.status());
  auto config = LoadConfig(*flags);
  if (!config.ok()) return Fail("configuration", config.status());
  std::string username = flags->Get("username").value_or("");
  if (Status s = api::ValidateUsername(&username); !s.ok()) return Fail("user add", s);
  auto role = ParseRole(flags->Get("role").value_or(""));
  if (!role)
    return Fail("user add", InvalidArgument("--role must be admin, koordinator, pejabat, petugas "
                                            "or pimpinan"));
  if (Status s = api::InitCrypto(); !s.ok()) return Fail("crypto", s);

  std::string password;
  if (isatty(STDIN_FILENO)) std::fprintf(stderr, "Password for %s: ", username.c_str());
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (Status s = api::CheckPasswordPolicy(password); !s.ok()) return Fail("user add", s);

  auto store = OpenStore(config->data_dir);
  if (!store.ok()) return Fail("database", store.status());
  auto& st = **store;

  // The scope: the named agency, or the region (created if the database has none yet).
  Id agency_id = 0;
  if (auto code = flags->Get("agency")) {
    auto a = st.agencies().GetByCode(*code);
    if (!a.ok()) return Fail("user add", NotFound("no agency with code \"" + *code + "\""));
    agency_id = a->id;
  } else {
    store::AgencyFilter f;
    f.kind = AgencyKind::kRegion;
    auto regions = st.agencies().List(f, {});
    if (!regions.ok()) return Fail("database", regions.status());
    if (regions->items.empty()) {
      Agency region;
      region.kind = AgencyKind::kRegion;
      region.name = "Pemerintah Daerah";
      region.short_name = "Pemda";
      region.code = "pemda";
      if (Status s = st.agencies().Create(&region); !s.ok()) return Fail("database", s);
      agency_id = region.id;
      std::fprintf(stderr, "humas: created the region \"%s\" (rename it in the web client)\n",
                   region.name.c_str());
    } else {
      agency_id = regions->items.front().id;
    }
  }

  auto hash = api::HashPassword(password);
  if (!hash.ok()) return Fail("user add", hash.status());
  User u;
  u.username = username;
  u.display_name = flags->Get("display-name").value_or(username);
  u.password_hash = *hash;
  u.roles.push_back({*role, agency_id});
  if (Status s = st.users().Create(&u); !s.ok()) {
    if (s.code() == Code::kAlreadyExists)
      return Fail("user add", AlreadyExists("username \"" + username + "\" is already taken"));
    return Fail("database", s);
  }
  AuditEntry e;
  e.at = WallClock().Now();
  e.actor_name = "cli";
  e.action = "user.create";
  e.entity = "user";
  e.entity_id = std::to_string(u.id);
  e.details_json = "{\"username\":\"" + username + "\",\"role\":\"" + std::string(ToString(*role)) +
                   "\",\"via\":\"cli\"}";
  if (Status s = st.audit().Append(&e); !s.ok()) return Fail("audit", s);
  std::printf("created user %s (id %lld, role %s)\n", username.c_str(),
              static_cast<long long>(u.id), std::string(ToString(*role)).c_str());
  return 0;
}

int IngestCommand(const std::vector<std::string>& args) {
  auto flags = ParseFlags(args, {"data-dir", "format", "config", "models-dir"}, {});
  if (!flags.ok()) return Fail("ingest", flags.status());
  if (flags->positional.size() != 1)
    return Fail("ingest", InvalidArgument("give exactly one FILE to import (or - for stdin)"));
  auto config = LoadConfig(*flags);
  if (!config.ok()) return Fail("configuration", config.status());
  const std::string path = flags->positional[0];
  ImportFormat format = FormatFromFilename(path);
  if (auto f = flags->Get("format")) {
    auto parsed = ParseImportFormat(*f);
    if (!parsed) return Fail("ingest", InvalidArgument("--format must be jsonl or csv"));
    format = *parsed;
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return Fail("ingest", NotFound("cannot open " + path));
    in = &file;
  }
  auto store = OpenStore(config->data_dir);
  if (!store.ok()) return Fail("database", store.status());
  ingest::Ingestor ingestor(**store, WallClock(), {}, LabelerOrNothing(config->models_dir));
  auto matchers = std::make_shared<listening::MatcherHolder>();
  if (Status s = matchers->Rebuild((*store)->queries()); !s.ok()) return Fail("queries", s);
  ingestor.set_matcher(listening::IntakeMatcher(matchers));
  auto near_duplicates = std::make_shared<ingest::NearDuplicateIndex>();
  if (Status s = near_duplicates->Warm((*store)->queries(), kNearDuplicateWarmMentions); !s.ok())
    return Fail("near-duplicates", s);
  ingestor.set_near_duplicates(near_duplicates);
  auto report = ingestor.Import(*in, format, /*max_errors=*/SIZE_MAX);
  if (!report.ok()) return Fail("ingest " + path, report.status());
  for (const auto& e : report->errors) std::printf("rejected %s\n", e.ToString().c_str());
  AuditEntry e;
  e.at = WallClock().Now();
  e.actor_name = "cli";
  e.action = "mention.import";
  e.entity = "mention";
  e.details_json = "{\"imported\":" + std::to_string(report->imported) +
                   ",\"rejected\":" + std::to_string(report->rejected) + ",\"via\":\"cli\"}";
  (void)(*store)->audit().Append(&e);
  std::printf("duplicates=%lld updated=%lld\n", static_cast<long long>(report->duplicates),
              static_cast<long long>(report->updated));
  std::printf("imported=%lld rejected=%lld\n", static_cast<long long>(report->imported),
              static_cast<long long>(report->rejected));
  return 0;
}

int AuditCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "verify") {
    std::fprintf(stderr, "usage: humas audit verify --data-dir DIR\n");
    return 2;
  }
  auto flags = ParseFlags({args.begin() + 1, args.end()}, {"data-dir", "config"}, {});
  if (!flags.ok()) return Fail("audit verify", flags.status());
  auto config = LoadConfig(*flags);
  if (!config.ok()) return Fail("configuration", config.status());
  auto store = OpenStore(config->data_dir);
  if (!store.ok()) return Fail("database", store.status());
  auto v = (*store)->audit().Verify();
  if (!v.ok()) return Fail("audit verify", v.status());
  if (v->ok) {
    std::printf("audit chain ok: %lld entries\n", static_cast<long long>(v->entries));
    return 0;
  }
  std::printf("audit chain BROKEN at entry %lld of %lld: %s\n",
              static_cast<long long>(v->first_bad_seq), static_cast<long long>(v->entries),
              v->reason.c_str());
  return 1;
}

int MigrateCommand(const std::vector<std::string>& args) {
  auto flags = ParseFlags(args, {"data-dir", "config"}, {});
  if (!flags.ok()) return Fail("migrate", flags.status());
  auto config = LoadConfig(*flags);
  if (!config.ok()) return Fail("configuration", config.status());
  auto store = OpenStore(config->data_dir);
  if (!store.ok()) return Fail("database", store.status());
  std::printf("database ready: %s schema version %d\n", (*store)->backend().c_str(),
              (*store)->schema_version());
  return 0;
}

int RollupsRebuildCommand(const std::vector<std::string>& args) {
  auto flags = ParseFlags(args, {"data-dir", "config"}, {});
  if (!flags.ok()) return Fail("rollups-rebuild", flags.status());
  auto config = LoadConfig(*flags);
  if (!config.ok()) return Fail("configuration", config.status());
  auto store = OpenStore(config->data_dir);
  if (!store.ok()) return Fail("database", store.status());
  // From the stored mentions, the source of truth: hourly sentiment rollups, then the author,
  // observed-reaction and agency-topic counters (each in its own transaction).
  if (Status s = (*store)->rollups().Rebuild(); !s.ok()) return Fail("hourly rollups", s);
  if (Status s = (*store)->counters().Rebuild(); !s.ok()) return Fail("counters", s);
  std::printf("rollups rebuilt from the stored mentions\n");
  return 0;
}

int CorrectionsCommand(const std::vector<std::string>& args) {
  const char* usage =
      "usage: humas corrections export --data-dir DIR --task sentiment|kind --out FILE\n";
  if (args.empty() || args[0] != "export") {
    std::fputs(usage, stderr);
    return 2;
  }
  auto flags =
      ParseFlags({args.begin() + 1, args.end()}, {"data-dir", "config", "task", "out"}, {});
  if (!flags.ok()) return Fail("corrections export", flags.status());
  auto task = store::ParseLabelTask(flags->Get("task").value_or(""));
  if (!task || *task == store::LabelTask::kHoax || !flags->Has("out")) {
    std::fputs(usage, stderr);
    return 2;
  }
  auto config = LoadConfig(*flags);
  if (!config.ok()) return Fail("configuration", config.status());
  auto opened = OpenStore(config->data_dir);
  if (!opened.ok()) return Fail("database", opened.status());
  // Written next to the target and renamed, so a failed export never leaves half a file.
  const std::string out = *flags->Get("out");
  const std::string tmp = out + ".tmp";
  std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
  if (!file) return Fail("corrections export", Unavailable("cannot write " + tmp));
  std::int64_t written = 0;
  // In pages of 1,000 mentions (one short read each): memory stays one page whatever the size.
  Id after = 0;
  while (true) {
    auto examples = (*opened)->corrections().Examples(*task, after, 1000);
    if (!examples.ok()) {
      file.close();
      std::error_code ignored;
      fs::remove(tmp, ignored);
      return Fail("corrections export", examples.status());
    }
    if (examples->empty()) break;
    for (const auto& e : *examples) {
      after = e.mention_id;
      // TSV "text<TAB>label" (humas train --data): tabs and line breaks in the text become spaces.
      std::string text = e.text;
      for (char& ch : text)
        if (ch == '\t' || ch == '\n' || ch == '\r') ch = ' ';
      if (text.find_first_not_of(' ') == std::string::npos) continue;
      file << text << '\t' << e.label << '\n';
      ++written;
    }
  }
  file.close();
  if (!file) return Fail("corrections export", Unavailable("cannot write " + tmp));
  std::error_code ec;
  fs::rename(tmp, out, ec);
  if (ec)
    return Fail("corrections export", Unavailable("cannot write " + out + ": " + ec.message()));
  AuditEntry e;
  e.at = WallClock().Now();
  e.actor_name = "cli";
  e.action = "corrections.export";
  e.entity = "label_correction";
  e.details_json = "{\"task\":\"" + std::string(store::ToString(*task)) +
                   "\",\"examples\":" + std::to_string(written) + ",\"via\":\"cli\"}";
  (void)(*opened)->audit().Append(&e);
  std::printf("exported=%lld task=%s\n", static_cast<long long>(written),
              std::string(store::ToString(*task)).c_str());
  return 0;
}

}  // namespace humas::app
