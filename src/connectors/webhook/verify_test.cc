// Signature checks against the peer suites in ../shared/fixtures/peer-suites (standard-webhooks,
// webhook-signatures): every case with a defined expectation must agree; the pass rate is printed.
#include "connectors/webhook/verify.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace humas::webhook {
namespace {

using json = nlohmann::json;

std::string SharedDir() {
  if (const char* env = std::getenv("HUMAS_SHARED"); env && *env) return env;
  return HUMAS_SHARED_DIR;
}

json LoadJson(const std::string& rel) {
  std::ifstream in(SharedDir() + "/" + rel, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << SharedDir() << "/" << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

class VerifyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(VerifyTest, StandardWebhooksPeerSuite) {
  json suite = LoadJson("fixtures/peer-suites/standard-webhooks/vectors.json");
  int total = 0, passed = 0;
  for (const auto& c : suite["cases"]) {
    Headers h;
    for (const auto& [k, v] : c["headers"].items()) h.emplace(k, v.get<std::string>());
    Status s = VerifyStandard(c["secret"].get<std::string>(), h, c["payload"].get<std::string>(),
                              c["now"].get<std::int64_t>(), c["tolerance_seconds"].get<int>());
    bool expected = c["expected_valid"].get<bool>();
    ++total;
    if (s.ok() == expected) ++passed;
    EXPECT_EQ(s.ok(), expected) << c["id"] << ": " << s.message();
    if (c.contains("expected_signature_v1") && c["expected_signature_v1"].is_string()) {
      auto key = StandardSecretKey(c["secret"].get<std::string>());
      ASSERT_TRUE(key.ok());
      std::string content = h.find("webhook-id")->second + "." +
                            h.find("webhook-timestamp")->second + "." +
                            c["payload"].get<std::string>();
      EXPECT_EQ("v1," + HmacSha256Base64(*key, content), c["expected_signature_v1"]);
    }
  }
  std::printf("standard-webhooks peer suite: %d/%d cases pass\n", passed, total);
  EXPECT_GT(total, 0);
}

TEST_F(VerifyTest, WebhookSignaturesPeerSuite) {
  json suite = LoadJson("fixtures/peer-suites/webhook-signatures/vectors.json");
  int total = 0, passed = 0, undefined = 0;
  for (const auto& c : suite["cases"]) {
    const std::string scheme = c["scheme"];
    const std::string id = c["id"];
    if (scheme == "x-crc-response-token") {
      ++total;
      std::string got = XCrcResponseToken(c["consumer_secret"].get<std::string>(),
                                          c["crc_token"].get<std::string>());
      bool ok = got == c["expected_response"]["response_token"].get<std::string>();
      passed += ok;
      EXPECT_TRUE(ok) << id << ": got " << got;
      continue;
    }
    if (c["expected_valid"].is_null()) {
      ++undefined;  // "implementation choice": not counted
      continue;
    }
    Headers h;
    if (c["header_value"].is_string())
      h.emplace(c["header_name"].get<std::string>(), c["header_value"].get<std::string>());
    // Header names arrive lower-cased from the HTTP layer.
    Headers lowered;
    for (auto& [k, v] : h) {
      std::string n = k;
      for (char& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      lowered.emplace(n, v);
    }
    Status s;
    if (scheme == "meta-x-hub-signature-256") {
      s = Verify(Scheme::kMeta, c["secret"].get<std::string>(), lowered,
                 c["body"].get<std::string>(), 0);
    } else if (scheme == "x-twitter-webhooks-signature") {
      s = Verify(Scheme::kX, c["consumer_secret"].get<std::string>(), lowered,
                 c["body"].get<std::string>(), 0);
    } else if (scheme == "telegram-secret-token") {
      s = Verify(Scheme::kTelegram, c["configured_secret_token"].get<std::string>(), lowered, "",
                 0);
    } else {
      ADD_FAILURE() << "unknown scheme " << scheme;
      continue;
    }
    bool expected = c["expected_valid"].get<bool>();
    ++total;
    if (s.ok() == expected) ++passed;
    EXPECT_EQ(s.ok(), expected) << id << ": " << s.message();
  }
  std::printf("webhook-signatures peer suite: %d/%d cases pass (%d implementation-defined)\n",
              passed, total, undefined);
  EXPECT_GT(total, 0);
}

TEST_F(VerifyTest, ReasonsAreOneLineAndDistinguishMissingFromWrong) {
  std::string body = "{\"a\":1}";
  Status missing = VerifyMeta("secret", nullptr, body);
  EXPECT_EQ(missing.code(), Code::kUnauthenticated);
  std::string wrong = "sha256=" + std::string(64, '0');
  Status bad = VerifyMeta("secret", &wrong, body);
  EXPECT_EQ(bad.code(), Code::kPermissionDenied);
  EXPECT_EQ(bad.message().find('\n'), std::string::npos);
  EXPECT_EQ(bad.message().find("secret\""), std::string::npos);
  std::string right = "sha256=" + HmacSha256Hex("secret", body);
  EXPECT_TRUE(VerifyMeta("secret", &right, body).ok());
  // Upper-case hex is the same signature.
  std::string upper = right;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_TRUE(VerifyMeta("secret", &upper, body).ok());
  EXPECT_EQ(VerifyMeta("", &right, body).code(), Code::kFailedPrecondition);
}

TEST_F(VerifyTest, StandardRejectsFutureTimestampsAndBadSecrets) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  auto key = StandardSecretKey(secret);
  ASSERT_TRUE(key.ok());
  const std::string good = "v1," + HmacSha256Base64(*key, "msg_1.1000.body");
  Headers h = {{"webhook-id", "msg_1"}, {"webhook-timestamp", "1000"}, {"webhook-signature", good}};
  EXPECT_TRUE(VerifyStandard(secret, h, "body", 1000).ok());
  EXPECT_EQ(VerifyStandard(secret, h, "body", 1000 - 301).code(), Code::kPermissionDenied);
  EXPECT_EQ(VerifyStandard("whsec_%%%", h, "body", 1000).code(), Code::kFailedPrecondition);
  // Clocks and stamps at the ends of the 64-bit range neither overflow nor pass.
  EXPECT_EQ(VerifyStandard(secret, h, "body", INT64_MIN).code(), Code::kPermissionDenied);
  EXPECT_EQ(VerifyStandard(secret, h, "body", INT64_MAX).code(), Code::kPermissionDenied);
  Headers v2 = {
      {"webhook-id", "msg_1"}, {"webhook-timestamp", "1000"}, {"webhook-signature", "v2,abc"}};
  EXPECT_EQ(VerifyStandard(secret, v2, "body", 1000).code(), Code::kUnauthenticated);
}

TEST_F(VerifyTest, RepeatedHeaders) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  auto key = StandardSecretKey(secret);
  ASSERT_TRUE(key.ok());
  const std::string good = "v1," + HmacSha256Base64(*key, "msg_1.1000.body");
  // Several webhook-signature lines are one list: the valid entry may be on any of them.
  Headers lines = {{"webhook-id", "msg_1"},
                   {"webhook-timestamp", "1000"},
                   {"webhook-signature", "v1,AAAA"},
                   {"webhook-signature", good}};
  EXPECT_TRUE(VerifyStandard(secret, lines, "body", 1000).ok());
  // The same id twice is one id; two different ids are ambiguous.
  lines.emplace("webhook-id", "msg_1");
  EXPECT_TRUE(VerifyStandard(secret, lines, "body", 1000).ok());
  lines.emplace("webhook-id", "msg_2");
  EXPECT_EQ(VerifyStandard(secret, lines, "body", 1000).code(), Code::kUnauthenticated);
  // A forged Meta signature beside the genuine one, in either order: never authentic.
  const std::string body = "{}";
  const std::string right = "sha256=" + HmacSha256Hex("s", body);
  const std::string forged = "sha256=" + std::string(64, '0');
  Headers meta = {{"x-hub-signature-256", forged}, {"x-hub-signature-256", right}};
  Status s = Verify(Scheme::kMeta, "s", meta, body, 0);
  EXPECT_EQ(s.code(), Code::kUnauthenticated);
  EXPECT_NE(s.message().find("more than once"), std::string::npos) << s.message();
  Headers twice = {{"x-hub-signature-256", right}, {"x-hub-signature-256", right}};
  EXPECT_TRUE(Verify(Scheme::kMeta, "s", twice, body, 0).ok());
  Headers tg = {{"x-telegram-bot-api-secret-token", "tok"},
                {"x-telegram-bot-api-secret-token", "other"}};
  EXPECT_FALSE(Verify(Scheme::kTelegram, "tok", tg, "", 0).ok());
}

TEST_F(VerifyTest, HeadersFileFormats) {
  auto value = [](const Headers& h, const std::string& name) {
    auto it = h.find(name);
    return it == h.end() ? std::string("<absent>") : it->second;
  };
  auto raw = ParseHeadersFile(
      "POST /hooks/meta HTTP/1.1\r\nHost: example\r\nX-Hub-Signature-256:  sha256=ab \r\n\r\n");
  ASSERT_TRUE(raw.ok()) << raw.status().message();
  EXPECT_EQ(value(*raw, "x-hub-signature-256"), "sha256=ab");
  EXPECT_EQ(value(*raw, "host"), "example");
  auto js = ParseHeadersFile(R"({"Webhook-Signature": "v1,a v1,b", "X-Absent": null})");
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(value(*js, "webhook-signature"), "v1,a v1,b");
  EXPECT_EQ(js->count("x-absent"), 0u);
  EXPECT_FALSE(ParseHeadersFile("no colon here\n").ok());
  EXPECT_FALSE(ParseHeadersFile("{\"a\": 1.5}").ok());
  EXPECT_FALSE(ParseHeadersFile("{\"a\": {\"b\": \"c\"}}").ok());
  EXPECT_FALSE(ParseHeadersFile("{broken").ok());
  EXPECT_FALSE(ParseHeadersFile("  continued first\n").ok());
}

TEST_F(VerifyTest, HeadersFilesAsPeopleSaveThem) {
  // Go's http.Header / request loggers: arrays of values; integers for the timestamp.
  auto arrays = ParseHeadersFile(
      R"({"Webhook-Signature": ["v1,a", "v1,b"], "Webhook-Timestamp": 1614265330})");
  ASSERT_TRUE(arrays.ok()) << arrays.status().message();
  EXPECT_EQ(arrays->count("webhook-signature"), 2u);
  EXPECT_EQ(arrays->find("webhook-timestamp")->second, "1614265330");
  // A pasted request: byte-order mark, absolute-URL request line, a folded value, a blank line,
  // then the body (which is not read as headers).
  auto pasted = ParseHeadersFile(
      "\xEF\xBB\xBFPOST http://127.0.0.1:8080/hooks/x HTTP/1.1\r\n"
      "X-Twitter-Webhooks-Signature: sha256=abc\r\nX-Long: one\r\n two\r\n\r\n"
      "{\"for_user_id\": \"1\"}\r\nnot: a header\r\n");
  ASSERT_TRUE(pasted.ok()) << pasted.status().message();
  EXPECT_EQ(pasted->find("x-twitter-webhooks-signature")->second, "sha256=abc");
  EXPECT_EQ(pasted->find("x-long")->second, "one two");
  EXPECT_EQ(pasted->count("not"), 0u);
  EXPECT_EQ(pasted->count("{\"for_user_id\""), 0u);
  // Devtools' HTTP/2 copy: pseudo-headers are skipped; leading blank lines too.
  auto h2 = ParseHeadersFile("\n\n:method: POST\n:path: /hooks\nX-Hub-Signature-256: sha256=1\n");
  ASSERT_TRUE(h2.ok()) << h2.status().message();
  EXPECT_EQ(h2->size(), 1u);
  // Repeated lines are all kept.
  auto dup = ParseHeadersFile("Accept: a\naccept: b\n");
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->count("accept"), 2u);
}

}  // namespace
}  // namespace humas::webhook
