// Serving the web client's files: safe path resolution, content types, caching headers.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "http/http.h"

namespace humas::http {

//! A file chosen for a request path.
struct StaticTarget {
  std::filesystem::path file;
  bool spa_fallback = false;  //!< index.html served for a client-side route
};

//! Maps `raw_path` (the request target's path, still percent-encoded) to a file under `root`,
//! which must already be canonical (std::filesystem::canonical). Returns nullopt (→ 404) for
//! anything that could leave `root`: "..", "." or empty segments, dot-files, backslashes, NUL,
//! malformed escapes, or a symlink resolving outside. A path whose last segment has no
//! extension and is not a file falls back to root/index.html (single-page-app routes).
std::optional<StaticTarget> ResolveStaticPath(const std::filesystem::path& root,
                                              std::string_view raw_path);

//! Content type for a file name by extension; application/octet-stream when unknown.
std::string_view ContentTypeFor(const std::filesystem::path& file);

//! The full response for a static GET: 200 with the file, cache headers by kind (hashed
//! /assets/ are immutable, HTML and the SPA fallback are no-cache), or a 404 error response.
//! `root` must be canonical. Reads the file from disk (blocking; call on a worker).
Response StaticResponse(const std::filesystem::path& root, std::string_view raw_path);

}  // namespace humas::http
