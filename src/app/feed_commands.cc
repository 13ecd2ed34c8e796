// `humas feed-parse FILE`: one RSS/Atom/RSS 1.0 document in, one JSON object out.
#include <cstdio>

#include "app/cli_io.h"
#include "app/commands.h"
#include "connectors/feed/feed.h"

namespace humas::app {

int FeedParseCommand(const std::vector<std::string>& args) {
  // Options for test harnesses: --base-url and --charset simulate the HTTP response the
  // document came with (Content-Location, Content-Type charset); --verbose adds "format", "bozo"
  // and "bozo_reason" to the output.
  connectors::feed::ParseOptions options;
  bool verbose = false;
  std::string file;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--verbose") {
      verbose = true;
    } else if ((args[i] == "--base-url" || args[i] == "--charset") && i + 1 < args.size()) {
      (args[i] == "--base-url" ? options.base_url : options.charset) = args[i + 1];
      ++i;
    } else if (file.empty() && !args[i].empty() && args[i][0] != '-') {
      file = args[i];
    } else {
      file.clear();
      break;
    }
  }
  if (file.empty()) {
    std::fprintf(stderr, "usage: humas feed-parse [--base-url URL] [--charset CS] FILE\n");
    return 2;
  }
  // At most one byte more than the limit is read: enough to know the file is too large.
  auto data = ReadInputFile(file, options.max_bytes);
  if (!data.ok()) {
    std::fprintf(stderr, "humas feed-parse: %s\n", OneLine(data.status().message()).c_str());
    return 2;
  }
  auto feed = connectors::feed::Parse(*data, options);
  if (!feed.ok()) {
    std::fprintf(stderr, "humas feed-parse: %s\n", OneLine(feed.status().message()).c_str());
    return 2;
  }
  std::string out = connectors::feed::ToJson(*feed, verbose);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace humas::app
