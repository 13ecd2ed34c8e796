// Throughput of the mention import parser: `connector_file_bench [lines]` parses generated
// ~300-byte posts as JSONL and as CSV, fed in 1 MiB chunks, and prints lines/s for each.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "connectors/file/import.h"

namespace {

std::string Text(int i) {
  return "@dinkes_sukamaju min, kapan jadwal vaksin di puskesmas kecamatan muara jaya? udh nunggu "
         "dr pagi tp blm ada info yg jelas, tolong dibantu ya 🙏 #Sukamaju no " +
         std::to_string(i);
}

double Run(const std::string& data, humas::ImportFormat format, long* accepted) {
  long n = 0;
  humas::MentionImportParser p({.format = format}, [&](humas::ParsedBatch&& b) {
    n += static_cast<long>(b.mentions.size());
    return humas::Status::Ok();
  });
  const auto start = std::chrono::steady_clock::now();
  constexpr size_t kChunk = 1 << 20;
  for (size_t off = 0; off < data.size(); off += kChunk)
    if (!p.Feed(std::string_view(data).substr(off, kChunk)).ok()) std::abort();
  if (!p.Finish().ok()) std::abort();
  *accepted = n;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int lines = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
  std::string jsonl, csv =
                         "platform,external_id,url,author_handle,author_name,text,created_at,"
                         "agency,likes,shares,replies\n";
  for (int i = 0; i < lines; ++i) {
    const std::string id = std::to_string(1800000000000000000LL + i);
    jsonl +=
        R"({"platform":"x","external_id":")" + id + R"(","url":"https://x.example/warga/status/)" +
        id + R"(","author":{"handle":"@warga)" + std::to_string(i % 5000) +
        R"(","name":"Warga Sukamaju"},"text":")" + Text(i) +
        R"(","created_at":"2025-03-04T08:15:22+08:00","agency":"dinkes","likes":12,"shares":3,"replies":1})" +
        "\n";
    csv += "x," + id + ",https://x.example/warga/status/" + id + ",@warga" +
           std::to_string(i % 5000) + ",Warga Sukamaju,\"" + Text(i) +
           "\",2025-03-04T08:15:22+08:00,dinkes,12,3,1\n";
  }
  long accepted = 0;
  const double tj = Run(jsonl, humas::ImportFormat::kJsonl, &accepted);
  std::printf("jsonl: %d lines (%.1f bytes/line), %ld accepted, %.3f s, %.0f lines/s, %.0f MB/s\n",
              lines, double(jsonl.size()) / lines, accepted, tj, lines / tj,
              jsonl.size() / tj / 1e6);
  const double tc = Run(csv, humas::ImportFormat::kCsv, &accepted);
  std::printf("csv:   %d lines (%.1f bytes/line), %ld accepted, %.3f s, %.0f lines/s, %.0f MB/s\n",
              lines, double(csv.size()) / lines, accepted, tc, lines / tc, csv.size() / tc / 1e6);
  return 0;
}
