// humas: entry point and subcommand dispatch.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/commands.h"
#include "nlp/cli.h"

namespace {

const char kUsage[] =
    "humas — social-media command centre for Indonesian government agencies\n"
    "\n"
    "usage: humas <command> [options]\n"
    "\n"
    "  serve   --data-dir DIR --listen HOST:PORT [--config FILE] [--web-dir DIR]\n"
    "          serve the web client and the API; the database is DIR/humas.db (created and\n"
    "          migrated if absent); SIGTERM stops it gracefully\n"
    "  demo    [--data-dir DIR] [--listen HOST:PORT]\n"
    "          like serve, with the demo region loaded and a live stream of mentions\n"
    "  user add --data-dir DIR --username NAME --role ROLE [--agency CODE] [--display-name N]\n"
    "          create a user; the password is read from standard input\n"
    "  ingest  --data-dir DIR [--format jsonl|csv] FILE\n"
    "          import mentions; prints every rejected line, then imported=N rejected=M\n"
    "  audit verify --data-dir DIR\n"
    "          check the hash chain of the audit log (exit 1 if it was tampered with)\n"
    "  webhook-verify --platform meta|x|telegram|standard --secret S --headers FILE --body FILE\n"
    "          check a webhook delivery's signature (headers: \"Name: value\" lines or a JSON\n"
    "          object; --now SECONDS for Standard Webhooks); exit 0 authentic, 1 not\n"
    "  migrate --data-dir DIR\n"
    "          create or upgrade the database and exit\n"
    "  rollups-rebuild --data-dir DIR\n"
    "          recompute the dashboard counters kept at ingest (hourly rollups, authors,\n"
    "          agency topics) from the stored mentions; intake waits meanwhile\n"
    "  corrections export --data-dir DIR --task sentiment|kind --out FILE\n"
    "          officers' label corrections as training TSV (text<TAB>label) for train --init\n"
    "  feed-parse FILE\n"
    "          read one RSS/Atom/RSS 1.0 document and print it as one JSON object (dates in\n"
    "          RFC 3339 UTC); exit 2 with a one-line reason when it is not a readable feed\n"
    "  train   --task sentiment --data FILE --out MODEL\n"
    "          train a language model from labelled TSV (text<TAB>label)\n"
    "  eval    --task sentiment [--model MODEL] --data FILE\n"
    "          score a model on labelled data (last line: accuracy=... macro_f1=... n=N)\n"
    "  classify [--model MODEL | --task TASK]   label lines from stdin as JSON lines\n"
    "  explain  show each normalisation step for lines from stdin\n"
    "  version\n"
    "\n"
    "Settings can also come from a config file (--config) and HUMAS_* environment variables;\n"
    "see README.md.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "serve") return humas::app::ServeCommand(args, false);
  if (cmd == "demo") return humas::app::ServeCommand(args, true);
  if (cmd == "user") return humas::app::UserCommand(args);
  if (cmd == "ingest") return humas::app::IngestCommand(args);
  if (cmd == "audit") return humas::app::AuditCommand(args);
  if (cmd == "migrate") return humas::app::MigrateCommand(args);
  if (cmd == "rollups-rebuild") return humas::app::RollupsRebuildCommand(args);
  if (cmd == "webhook-verify") return humas::app::WebhookVerifyCommand(args);
  if (cmd == "corrections") return humas::app::CorrectionsCommand(args);
  if (cmd == "feed-parse") return humas::app::FeedParseCommand(args);
  // The language engine's commands take argv with the subcommand as argv[0].
  if (cmd == "train") return humas::nlp::TrainMain(argc - 1, argv + 1);
  if (cmd == "eval") return humas::nlp::EvalMain(argc - 1, argv + 1);
  if (cmd == "classify") return humas::nlp::ClassifyMain(argc - 1, argv + 1);
  if (cmd == "explain") return humas::nlp::ExplainMain(argc - 1, argv + 1);
  if (cmd == "bench") return humas::nlp::BenchMain(argc - 1, argv + 1);
  if (cmd == "version" || cmd == "--version") {
    std::puts("humas 0.1.0");
    return 0;
  }
  std::fprintf(stderr, "humas: unknown command \"%s\"\n\n%s", cmd.c_str(), kUsage);
  return 2;
}
