// The `humas` subcommands. Each returns the process exit status and prints errors a person can
// act on.
#pragma once

#include <string>
#include <vector>

namespace humas::app {

int ServeCommand(const std::vector<std::string>& args, bool demo);
int UserCommand(const std::vector<std::string>& args);
int IngestCommand(const std::vector<std::string>& args);
int AuditCommand(const std::vector<std::string>& args);
int MigrateCommand(const std::vector<std::string>& args);
//! `humas rollups-rebuild`: recomputes every counter kept at ingest from the stored mentions.
int RollupsRebuildCommand(const std::vector<std::string>& args);
//! `humas webhook-verify`: exit 0 authentic, 1 not (one-line reason on stdout), 2 usage.
int WebhookVerifyCommand(const std::vector<std::string>& args);
//! `humas corrections export --task sentiment|kind --out FILE`: corrected labels as training TSV.
int CorrectionsCommand(const std::vector<std::string>& args);
//! `humas feed-parse FILE` (src/app/feed_commands.cc).
int FeedParseCommand(const std::vector<std::string>& args);

}  // namespace humas::app
