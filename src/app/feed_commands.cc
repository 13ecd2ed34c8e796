// `humas feed-parse FILE`: one RSS/Atom/RSS 1.0 document in, one JSON object out.
#include <cstdio>
#include <fstream>
#include <iostream>

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
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "humas feed-parse: cannot open %s\n", file.c_str());
    return 2;
  }
  // Read at most one byte more than the limit: enough to know the file is too large without
  // holding all of it.
  std::string data(options.max_bytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.bad()) {
    std::fprintf(stderr, "humas feed-parse: cannot read %s\n", file.c_str());
    return 2;
  }
  data.resize(static_cast<size_t>(in.gcount()));
  auto feed = connectors::feed::Parse(data, options);
  if (!feed.ok()) {
    std::string reason = feed.status().message();
    for (char& ch : reason)
      if (ch == '\n' || ch == '\r') ch = ' ';
    std::fprintf(stderr, "humas feed-parse: %s\n", reason.c_str());
    return 2;
  }
  std::string out = connectors::feed::ToJson(*feed, verbose);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace humas::app
