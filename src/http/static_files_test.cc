// Unit tests for static-file resolution: traversal safety, SPA fallback, types, cache headers.
#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace humas::http {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& p, std::string_view content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

// A temporary tree: <base>/secret.txt outside, <base>/www the static root.
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("humas_static_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    WriteFile(base_ / "secret.txt", "TOP-SECRET");
    WriteFile(base_ / "www" / "index.html", "<html>app</html>");
    WriteFile(base_ / "www" / "assets" / "app-1234.js", "console.log(1)");
    WriteFile(base_ / "www" / "robots.txt", "User-agent: *");
    WriteFile(base_ / "www" / ".env", "PASSWORD=x");
    fs::create_symlink(base_ / "secret.txt", base_ / "www" / "link.txt");
    root_ = fs::canonical(base_ / "www");
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ResolvesFilesAndFallsBackForClientRoutes) {
  auto js = ResolveStaticPath(root_, "/assets/app-1234.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->file, root_ / "assets" / "app-1234.js");
  EXPECT_FALSE(js->spa_fallback);

  for (std::string_view route : {"/", "/agencies/42", "/assets", "/mentions/"}) {
    auto t = ResolveStaticPath(root_, route);
    ASSERT_TRUE(t) << route;
    EXPECT_EQ(t->file, root_ / "index.html") << route;
    EXPECT_TRUE(t->spa_fallback) << route;
  }
  EXPECT_FALSE(ResolveStaticPath(root_, "/missing.js"));
  EXPECT_FALSE(ResolveStaticPath(root_, "/assets/missing-1.css"));
}

TEST_F(StaticFilesTest, RejectsEveryTraversalAttempt) {
  for (std::string_view attack : {"/../secret.txt",
                                  "/%2e%2e/secret.txt",
                                  "/%2E%2E/secret.txt",
                                  "/..%2fsecret.txt",
                                  "/..%2Fsecret.txt",
                                  "/assets/../../secret.txt",
                                  "/assets/%2e%2e/%2e%2e/secret.txt",
                                  "/.%2e/secret.txt",
                                  "/..\\secret.txt",
                                  "/..%5csecret.txt",
                                  "//etc/passwd",
                                  "/%2Fetc%2Fpasswd",
                                  "/etc/passwd%00.html",
                                  "/robots.txt%00",
                                  "/./robots.txt",
                                  "/.env",
                                  "/link.txt",
                                  "/%",
                                  "relative.txt",
                                  ""}) {
    EXPECT_FALSE(ResolveStaticPath(root_, attack)) << attack;
  }
}

TEST_F(StaticFilesTest, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("a.js.map"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.bin"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("noext"), "application/octet-stream");
}

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST_F(StaticFilesTest, ResponsesCarryCacheHeaders) {
  Response asset = StaticResponse(root_, "/assets/app-1234.js");
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.body, "console.log(1)");
  EXPECT_EQ(HeaderOf(asset, "Cache-Control"), "public, max-age=31536000, immutable");

  Response spa = StaticResponse(root_, "/agencies/42");
  EXPECT_EQ(spa.status, 200);
  EXPECT_EQ(spa.body, "<html>app</html>");
  EXPECT_EQ(spa.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(spa, "Cache-Control"), "no-cache");

  Response missing = StaticResponse(root_, "/../secret.txt");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body.find("TOP-SECRET"), std::string::npos);
}

}  // namespace
}  // namespace humas::http
