// Serving the web client's files: safe path resolution, content types, caching headers.
#include "http/static_files.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "http/router.h"
#include "http/url.h"

namespace humas::http {
namespace {

namespace fs = std::filesystem;

// True when `p` is `root` or below it, comparing whole path components.
bool IsWithin(const fs::path& root, const fs::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

bool IsRegularFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

std::optional<StaticTarget> ResolveStaticPath(const fs::path& root, std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  if (raw_path.find('\\') != std::string_view::npos) return std::nullopt;
  std::optional<std::string> decoded = PercentDecode(raw_path, false);
  if (!decoded) return std::nullopt;
  if (decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos) {
    return std::nullopt;
  }
  std::vector<std::string_view> segments = SplitPath(*decoded);
  fs::path relative;
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string_view seg = segments[i];
    bool last = i + 1 == segments.size();
    if (seg.empty()) {
      if (last) break;      // trailing slash: a directory-like path
      return std::nullopt;  // "//": would make an absolute path
    }
    if (seg.front() == '.') return std::nullopt;  // "..", ".", and dot-files (.env, .git)
    relative /= fs::path(std::string(seg));
  }
  std::error_code ec;
  fs::path candidate = fs::weakly_canonical(root / relative, ec);
  if (ec || !IsWithin(root, candidate)) return std::nullopt;
  if (IsRegularFile(candidate)) return StaticTarget{candidate, false};

  std::string_view last = segments.back();
  if (last.find('.') != std::string_view::npos) return std::nullopt;  // a missing file
  fs::path index = root / "index.html";
  if (!IsRegularFile(index)) return std::nullopt;
  return StaticTarget{index, true};
}

std::string_view ContentTypeFor(const fs::path& file) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".map", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
  };
  std::string ext = file.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

Response StaticResponse(const fs::path& root, std::string_view raw_path) {
  std::optional<StaticTarget> target = ResolveStaticPath(root, raw_path);
  if (!target) return ErrorResponse(404, "not_found", "no such file");
  std::ifstream in(target->file, std::ios::binary);
  std::ostringstream content;
  if (!in || !(content << in.rdbuf())) {
    // An empty file makes operator<< fail too; tell it apart from a read error by size.
    std::error_code ec;
    if (fs::file_size(target->file, ec) != 0 || ec) {
      return ErrorResponse(404, "not_found", "file cannot be read");
    }
  }
  Response res;
  res.body = std::move(content).str();
  res.content_type = std::string(ContentTypeFor(target->file));
  if (!target->spa_fallback && raw_path.starts_with("/assets/")) {
    res.AddHeader("Cache-Control", "public, max-age=31536000, immutable");
  } else {
    res.AddHeader("Cache-Control", "no-cache");
  }
  return res;
}

}  // namespace humas::http
