// libFuzzer target: the feed parser must never crash, hang or leak on any input, and whatever it
// returns must serialise to JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connectors/feed/feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view doc(reinterpret_cast<const char*>(data), size);
  humas::connectors::feed::ParseOptions options;
  options.base_url = "http://127.0.0.1/feed/";
  auto feed = humas::connectors::feed::Parse(doc, options);
  if (feed.ok()) (void)humas::connectors::feed::ToJson(*feed, true);
  (void)humas::connectors::feed::ParseDate(doc.substr(0, 120));
  return 0;
}
