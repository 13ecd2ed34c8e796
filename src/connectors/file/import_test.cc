// Tests of the JSONL/CSV mention import parser (docs/import-format.md).
#include "connectors/file/import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace humas {
namespace {

using ::testing::HasSubstr;

constexpr char kGood[] =
    R"({"platform":"x","external_id":"123","url":"https://x.example/a/status/123",)"
    R"("author":{"handle":"@budi","name":"Budi Santoso"},"text":"jalan rusak min 😡",)"
    R"("created_at":"2025-03-04T08:15:22+08:00","agency":"pupr","likes":4,"shares":2,"replies":1})";

ParsedBatch ParseOk(std::string_view data, ImportOptions options = {}) {
  auto r = ParseMentionImport(data, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : ParsedBatch{};
}

//! The one error of a single bad JSONL line.
ImportError OneImportError(std::string_view line) {
  ParsedBatch b = ParseOk(line, {.format = ImportFormat::kJsonl});
  EXPECT_EQ(b.mentions.size(), 0u) << line;
  EXPECT_EQ(b.errors.size(), 1u) << line;
  return b.errors.empty() ? ImportError{} : b.errors[0];
}

std::string OneError(std::string_view line) { return OneImportError(line).reason; }

//! "code field" of the one error of a single bad JSONL line, e.g. "wrong_type likes".
std::string OneCode(std::string_view line) {
  const ImportError e = OneImportError(line);
  return std::string(ToString(e.code)) + (e.field.empty() ? "" : " " + e.field);
}

std::string CodeOf(const ImportError& e) {
  return std::string(ToString(e.code)) + (e.field.empty() ? "" : " " + e.field);
}

//! Feeds `data` in pieces chosen by `next_size` and returns everything, flattened.
ParsedBatch ParseChunked(std::string_view data, const std::function<size_t()>& next_size,
                         ImportOptions options = {}) {
  ParsedBatch all;
  options.batch_size = 3;
  MentionImportParser p(options, [&](ParsedBatch&& b) {
    EXPECT_FALSE(b.empty());
    EXPECT_LE(b.mentions.size(), 3u);
    for (auto& m : b.mentions) all.mentions.push_back(std::move(m));
    all.lines.insert(all.lines.end(), b.lines.begin(), b.lines.end());
    for (auto& e : b.errors) all.errors.push_back(std::move(e));
    return Status::Ok();
  });
  while (!data.empty()) {
    const size_t n = std::min(data.size(), std::max<size_t>(1, next_size()));
    EXPECT_TRUE(p.Feed(data.substr(0, n)).ok());
    data.remove_prefix(n);
  }
  EXPECT_TRUE(p.Finish().ok());
  return all;
}

bool Same(const MentionInput& a, const MentionInput& b) {
  return a.platform == b.platform && a.external_id == b.external_id && a.url == b.url &&
         a.author_handle == b.author_handle && a.author_name == b.author_name && a.text == b.text &&
         a.created_at == b.created_at && a.kind == b.kind && a.agency_code == b.agency_code &&
         a.in_reply_to == b.in_reply_to && a.shared_from == b.shared_from && a.shares == b.shares &&
         a.likes == b.likes && a.replies == b.replies;
}

void ExpectSame(const ParsedBatch& a, const ParsedBatch& b) {
  ASSERT_EQ(a.mentions.size(), b.mentions.size());
  for (size_t i = 0; i < a.mentions.size(); ++i)
    EXPECT_TRUE(Same(a.mentions[i], b.mentions[i])) << "mention " << i;
  EXPECT_EQ(a.lines, b.lines);
  ASSERT_EQ(a.errors.size(), b.errors.size());
  for (size_t i = 0; i < a.errors.size(); ++i) {
    EXPECT_EQ(a.errors[i].line, b.errors[i].line);
    EXPECT_EQ(a.errors[i].code, b.errors[i].code);
    EXPECT_EQ(a.errors[i].field, b.errors[i].field);
    EXPECT_EQ(a.errors[i].reason, b.errors[i].reason);
  }
}

std::string ReadFile(const std::string& name) {
  std::ifstream in(std::string(HUMAS_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------- JSONL: good lines

TEST(JsonlImport, ParsesEveryField) {
  ParsedBatch b = ParseOk(kGood);
  ASSERT_EQ(b.mentions.size(), 1u);
  ASSERT_TRUE(b.errors.empty());
  const MentionInput& m = b.mentions[0];
  EXPECT_EQ(m.platform, Platform::kX);
  EXPECT_EQ(m.external_id, "123");
  EXPECT_EQ(m.url, "https://x.example/a/status/123");
  EXPECT_EQ(m.author_handle, "@budi");
  EXPECT_EQ(m.author_name, "Budi Santoso");
  EXPECT_EQ(m.text, "jalan rusak min 😡");
  EXPECT_EQ(m.created_at, ParseRfc3339("2025-03-04T00:15:22Z").value());
  EXPECT_EQ(m.agency_code, "pupr");
  EXPECT_EQ(m.kind, MentionKind::kPost);
  EXPECT_EQ(m.likes, 4);
  EXPECT_EQ(m.shares, 2);
  EXPECT_EQ(m.replies, 1);
  EXPECT_EQ(b.lines, std::vector<int64_t>{1});
  EXPECT_TRUE(m.labels.sentiment.empty());
}

TEST(JsonlImport, OptionalFieldsDefaultsAndUnknownFields) {
  ParsedBatch b =
      ParseOk(R"({"platform":"facebook","external_id":98765432101,"author":{"handle":"rina"},)"
              R"("text":"  halo  ","created_at":"2025-01-01T00:00:00Z","in_reply_to":555,)"
              R"("extra":{"nested":[1,2,{"x":null}]},"lang":"in","url":null,"likes":null})");
  ASSERT_EQ(b.mentions.size(), 1u) << (b.errors.empty() ? "" : b.errors[0].reason);
  const MentionInput& m = b.mentions[0];
  EXPECT_EQ(m.external_id, "98765432101");
  EXPECT_EQ(m.in_reply_to, "555");
  EXPECT_EQ(m.kind, MentionKind::kReply);  // default when in_reply_to is set
  EXPECT_EQ(m.text, "  halo  ");           // verbatim
  EXPECT_EQ(m.author_name, "");
  EXPECT_EQ(m.likes, 0);
  EXPECT_EQ(m.url, "");
}

TEST(JsonlImport, FlatAuthorFieldsAndExplicitKind) {
  ParsedBatch b = ParseOk(
      R"({"platform":"whatsapp","external_id":"wamid.1","author_handle":"62812","author_name":"Ani",)"
      R"("text":"tanya PKH","created_at":"2025-01-01T07:00:00+07:00","kind":"message"})");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].author_handle, "62812");
  EXPECT_EQ(b.mentions[0].kind, MentionKind::kMessage);
}

TEST(Import, AuthorFollowersInEveryFormAndUnknownWhenAbsent) {
  ParsedBatch b = ParseOk(
      R"({"platform":"x","external_id":"1","author":{"handle":"a","followers":1200},"text":"t",)"
      R"("created_at":"2025-01-01T00:00:00Z"})"
      "\n"
      R"({"platform":"x","external_id":"2","author_handle":"b","author_followers":0,"text":"t",)"
      R"("created_at":"2025-01-01T00:00:00Z"})"
      "\n"
      R"({"platform":"x","external_id":"3","author":{"handle":"c","followers":null},"text":"t",)"
      R"("created_at":"2025-01-01T00:00:00Z"})",
      {.format = ImportFormat::kJsonl});
  ASSERT_EQ(b.mentions.size(), 3u) << (b.errors.empty() ? "" : b.errors[0].reason);
  EXPECT_EQ(b.mentions[0].author_followers, std::optional<std::int64_t>(1200));
  EXPECT_EQ(b.mentions[1].author_followers, std::optional<std::int64_t>(0));
  EXPECT_FALSE(b.mentions[2].author_followers.has_value());
  EXPECT_EQ(OneCode(R"({"platform":"x","external_id":"1","author":{"handle":"a","followers":-5},)"
                    R"("text":"t","created_at":"2025-01-01T00:00:00Z"})"),
            "invalid_value author.followers");
  EXPECT_EQ(OneCode(R"({"platform":"x","external_id":"1","author":{"handle":"a","followers":"9"},)"
                    R"("text":"t","created_at":"2025-01-01T00:00:00Z"})"),
            "wrong_type author.followers");

  ParsedBatch csv = ParseOk(
      "platform,external_id,author_handle,text,created_at,author_followers\n"
      "x,1,a,t,2025-01-01T00:00:00Z,345\n"
      "x,2,b,t,2025-01-01T00:00:00Z,\n",
      {.format = ImportFormat::kCsv});
  ASSERT_EQ(csv.mentions.size(), 2u) << (csv.errors.empty() ? "" : csv.errors[0].reason);
  EXPECT_EQ(csv.mentions[0].author_followers, std::optional<std::int64_t>(345));
  EXPECT_FALSE(csv.mentions[1].author_followers.has_value());
}

TEST(JsonlImport, BlankLinesAreSkippedAndLinesCounted) {
  const std::string data = "\n   \n" + std::string(kGood) + "\n\t\r\n" + kGood + "\n\n";
  ParsedBatch b = ParseOk(data);
  EXPECT_TRUE(b.errors.empty());
  EXPECT_EQ(b.lines, (std::vector<int64_t>{3, 5}));
}

TEST(JsonlImport, DuplicatesAreKept) {
  ParsedBatch b = ParseOk(std::string(kGood) + "\n" + kGood + "\n");
  ASSERT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.mentions[0].external_id, b.mentions[1].external_id);
}

TEST(JsonlImport, CrlfAndBom) {
  const std::string data = "\xEF\xBB\xBF" + std::string(kGood) + "\r\n" + kGood + "\r\n";
  ParsedBatch b = ParseOk(data);
  EXPECT_TRUE(b.errors.empty());
  EXPECT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.lines, (std::vector<int64_t>{1, 2}));
}

// ---------------------------------------------------------------- JSONL: bad lines

std::string WithField(std::string_view field_json) {
  std::string s = R"({"platform":"x","external_id":"1","author":{"handle":"@a"},"text":"t",)"
                  R"("created_at":"2025-01-01T00:00:00Z")";
  if (!field_json.empty()) s += "," + std::string(field_json);
  return s + "}";
}

TEST(JsonlImport, RejectsNotJson) {
  EXPECT_THAT(OneError("{\"platform\":\"x\","), HasSubstr("not valid JSON"));
  EXPECT_THAT(OneError("platform=x"), HasSubstr("not valid JSON"));
  EXPECT_THAT(OneError(std::string(kGood) + " {}"), HasSubstr("not valid JSON"));
  EXPECT_THAT(OneError("[1,2]"), HasSubstr("expected a JSON object, got an array"));
  // The whole line is at fault: a code and no field.
  EXPECT_EQ(OneCode("{\"platform\":\"x\","), "invalid_json");
  EXPECT_EQ(OneCode("platform=x"), "invalid_json");
  EXPECT_EQ(OneCode(std::string(kGood) + " {}"), "invalid_json");
  EXPECT_EQ(OneCode("[1,2]"), "not_an_object");
  EXPECT_EQ(OneCode("\"just a string\""), "not_an_object");
}

TEST(JsonlImport, RejectsMissingRequiredFields) {
  EXPECT_EQ(OneError(R"({"platform":"x","external_id":"1","author":{"handle":"@a"},)"
                     R"("created_at":"2025-01-01T00:00:00Z"})"),
            "missing required field text");
  EXPECT_EQ(OneError(R"({"platform":"x","author":{"name":"A"},"text":"t"})"),
            "missing required fields external_id, author.handle, created_at");
  EXPECT_EQ(OneError(WithField(R"("text":"   ")").substr(0) /* later key wins */),
            "missing required field text");
  // field names every missing field, as the format spells it.
  EXPECT_EQ(OneCode(R"({"platform":"x","external_id":"1","author":{"handle":"@a"},)"
                    R"("created_at":"2025-01-01T00:00:00Z"})"),
            "missing_field text");
  EXPECT_EQ(OneCode(R"({"platform":"x","author":{"name":"A"},"text":"t"})"),
            "missing_field external_id, author.handle, created_at");
  EXPECT_EQ(OneCode(WithField(R"("platform":"  ")")), "missing_field platform");
}

TEST(JsonlImport, RejectsWrongTypesNamingTheField) {
  EXPECT_EQ(OneError(WithField(R"("likes":"12")")),
            "likes: must be a non-negative integer, got a string");
  EXPECT_EQ(OneError(WithField(R"("likes":1.5)")),
            "likes: must be a non-negative integer, got a number");
  EXPECT_EQ(OneError(WithField(R"("shares":-3)")),
            "shares: must be a non-negative integer, got -3");
  EXPECT_EQ(OneError(WithField(R"("replies":18446744073709551615)")), "replies: integer too large");
  EXPECT_THAT(OneError(WithField(R"("author":"@a")")), HasSubstr("author: must be an object"));
  EXPECT_EQ(OneError(WithField(R"("external_id":["1"])")),
            "external_id: must be a string or an integer, got an array");
  EXPECT_EQ(OneError(WithField(R"("text":42)")), "text: must be a string, got an integer");
  EXPECT_EQ(OneError(WithField(R"("agency":true)")), "agency: must be a string, got a boolean");
  EXPECT_EQ(OneError(WithField(R"("author":{"handle":1})")),
            "author.handle: must be a string, got an integer");

  EXPECT_EQ(OneCode(WithField(R"("likes":"12")")), "wrong_type likes");
  EXPECT_EQ(OneCode(WithField(R"("likes":1.5)")), "wrong_type likes");
  EXPECT_EQ(OneCode(WithField(R"("author":"@a")")), "wrong_type author");
  EXPECT_EQ(OneCode(WithField(R"("external_id":["1"])")), "wrong_type external_id");
  EXPECT_EQ(OneCode(WithField(R"("text":42)")), "wrong_type text");
  EXPECT_EQ(OneCode(WithField(R"("agency":true)")), "wrong_type agency");
  EXPECT_EQ(OneCode(WithField(R"("author":{"handle":1})")), "wrong_type author.handle");
  EXPECT_EQ(OneCode(WithField(R"("author_name":{})")), "wrong_type author_name");
  EXPECT_EQ(OneCode(WithField(R"("in_reply_to":1.5)")), "wrong_type in_reply_to");
  // Right type, wrong value.
  EXPECT_EQ(OneCode(WithField(R"("shares":-3)")), "invalid_value shares");
  EXPECT_EQ(OneCode(WithField(R"("replies":18446744073709551615)")), "invalid_value replies");
}

TEST(JsonlImport, RejectsBadValues) {
  EXPECT_THAT(OneError(WithField(R"("created_at":"2025-13-01T00:00:00Z")")),
              HasSubstr("created_at: invalid RFC 3339 time"));
  EXPECT_THAT(OneError(WithField(R"("created_at":"2025-01-01 10:00")")),
              HasSubstr("created_at: invalid RFC 3339 time"));
  EXPECT_THAT(OneError(WithField(R"("platform":"twitter")")),
              HasSubstr("platform: unknown platform \"twitter\" (expected one of x, facebook"));
  EXPECT_THAT(OneError(WithField(R"("kind":"retweet")")), HasSubstr("kind: unknown kind"));
  EXPECT_THAT(OneError(WithField(R"("url":"ftp://a.example/x")")),
              HasSubstr("url: must start with http:// or https://"));
  EXPECT_THAT(OneError(WithField(R"("agency":"Dinas Kesehatan")")),
              HasSubstr("agency: \"Dinas Kesehatan\" is not an agency code"));
  EXPECT_EQ(OneError(WithField(R"("external_id":")" + std::string(201, 'a') + "\"")),
            "external_id: longer than 200 characters");
  EXPECT_EQ(OneError(WithField(R"("external_id":"")")), "missing required field external_id");
  EXPECT_EQ(OneError(WithField(R"("in_reply_to":")" + std::string(201, '9') + "\"")),
            "in_reply_to: longer than 200 characters");

  EXPECT_EQ(OneCode(WithField(R"("created_at":"2025-13-01T00:00:00Z")")),
            "invalid_time created_at");
  EXPECT_EQ(OneCode(WithField(R"("created_at":"2025-01-01 10:00")")), "invalid_time created_at");
  EXPECT_EQ(OneCode(WithField(R"("created_at":"2025-01-01T10:00:00")")),
            "invalid_time created_at");  // no offset
  EXPECT_EQ(OneCode(WithField(R"("platform":"twitter")")), "invalid_value platform");
  EXPECT_EQ(OneCode(WithField(R"("kind":"retweet")")), "invalid_value kind");
  EXPECT_EQ(OneCode(WithField(R"("url":"ftp://a.example/x")")), "invalid_value url");
  EXPECT_EQ(OneCode(WithField(R"("url":"https://a.example/x y")")), "invalid_value url");
  EXPECT_EQ(OneCode(WithField(R"("agency":"Dinas Kesehatan")")), "invalid_value agency");
  EXPECT_EQ(OneCode(WithField(R"("external_id":")" + std::string(201, 'a') + "\"")),
            "too_long external_id");
  EXPECT_EQ(OneCode(WithField(R"("in_reply_to":")" + std::string(201, '9') + "\"")),
            "too_long in_reply_to");
  EXPECT_EQ(OneCode(WithField(R"("shared_from":")" + std::string(201, '9') + "\"")),
            "too_long shared_from");
  EXPECT_EQ(OneCode(WithField(R"("author":{"handle":")" + std::string(201, 'h') + "\"}")),
            "too_long author.handle");
  EXPECT_EQ(
      OneCode(WithField(R"("author":{"handle":"a","name":")" + std::string(201, 'n') + "\"}")),
      "too_long author.name");
}

TEST(JsonlImport, ExternalIdOf200MultibyteCharactersIsAccepted) {
  std::string id;
  for (int i = 0; i < 200; ++i) id += "é";
  ParsedBatch b = ParseOk(WithField(R"("external_id":")" + id + "\""));
  EXPECT_EQ(b.mentions.size(), 1u);
}

TEST(JsonlImport, TextLimit) {
  ParsedBatch ok = ParseOk(WithField(R"("text":")" + std::string(kMaxTextBytes, 'a') + "\""));
  EXPECT_EQ(ok.mentions.size(), 1u);
  EXPECT_EQ(OneError(WithField(R"("text":")" + std::string(kMaxTextBytes + 1, 'a') + "\"")),
            "text: 100001 bytes, more than the limit of 100000");
  EXPECT_EQ(OneCode(WithField(R"("text":")" + std::string(kMaxTextBytes + 1, 'a') + "\"")),
            "too_long text");
}

TEST(JsonlImport, InvalidUtf8IsRejected) {
  std::string bad = WithField(R"("text":"caf)" + std::string("\xC3\x28") + "\"");
  EXPECT_THAT(OneError(bad), HasSubstr("not valid UTF-8"));
  EXPECT_EQ(OneCode(bad), "invalid_utf8");  // the JSON line as a whole
  // A lone surrogate escape is not valid text either (simdjson calls it a JSON string error).
  EXPECT_FALSE(OneError(WithField(R"("text":"\ud800")")).empty());
  EXPECT_EQ(OneCode(WithField(R"("text":"\ud800")")), "invalid_json");
}

TEST(JsonlImport, HugeLineIsRejectedAndParsingGoesOn) {
  const std::string huge = WithField(R"("text":")" + std::string(2 << 20, 'x') + "\"");
  const std::string data = std::string(kGood) + "\n" + huge + "\n" + kGood + "\n";
  for (size_t chunk : {size_t{7}, size_t{65536}, data.size()}) {
    ParsedBatch b = ParseChunked(data, [&] { return chunk; });
    ASSERT_EQ(b.errors.size(), 1u);
    EXPECT_EQ(b.errors[0].line, 2);
    EXPECT_THAT(b.errors[0].reason, HasSubstr("longer than the limit of 1048576 bytes"));
    EXPECT_EQ(CodeOf(b.errors[0]), "line_too_long");
    EXPECT_EQ(b.lines, (std::vector<int64_t>{1, 3}));
  }
  // The last line, without a newline, too.
  ParsedBatch b = ParseChunked(std::string(kGood) + "\n" + huge, [] { return 4096; });
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_EQ(b.errors[0].line, 2);
  EXPECT_EQ(CodeOf(b.errors[0]), "line_too_long");
}

TEST(JsonlImport, ErrorToStringHasTheLine) {
  ParsedBatch b = ParseOk(std::string(kGood) + "\n\n{oops\n");
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_THAT(b.errors[0].ToString(), HasSubstr("line 3: not valid JSON: "));
  // Code and field stay out of the text people read.
  ImportError e{.line = 9,
                .code = ImportErrorCode::kMissingField,
                .field = "text",
                .reason = "missing required field text"};
  EXPECT_EQ(e.ToString(), "line 9: missing required field text");
}

TEST(ImportErrorCodes, StableDistinctSnakeCaseNames) {
  const std::vector<std::pair<ImportErrorCode, std::string_view>> all = {
      {ImportErrorCode::kInvalidJson, "invalid_json"},
      {ImportErrorCode::kNotAnObject, "not_an_object"},
      {ImportErrorCode::kInvalidUtf8, "invalid_utf8"},
      {ImportErrorCode::kLineTooLong, "line_too_long"},
      {ImportErrorCode::kWrongColumnCount, "wrong_column_count"},
      {ImportErrorCode::kMalformedQuote, "malformed_quote"},
      {ImportErrorCode::kUnterminatedQuote, "unterminated_quote"},
      {ImportErrorCode::kMissingField, "missing_field"},
      {ImportErrorCode::kWrongType, "wrong_type"},
      {ImportErrorCode::kInvalidValue, "invalid_value"},
      {ImportErrorCode::kInvalidTime, "invalid_time"},
      {ImportErrorCode::kTooLong, "too_long"},
      {ImportErrorCode::kUnknownAgency, "unknown_agency"},
      {ImportErrorCode::kAgencyOutOfScope, "agency_out_of_scope"},
      {ImportErrorCode::kAgencyRequired, "agency_required"},
  };
  std::set<std::string_view> seen;
  for (const auto& [code, name] : all) {
    EXPECT_EQ(ToString(code), name);
    EXPECT_TRUE(seen.insert(ToString(code)).second) << name;
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(ImportErrorCode::kAgencyRequired) + 1);
}

// ---------------------------------------------------------------- chunking and batching

std::string MixedJsonl() {
  std::string s = "\xEF\xBB\xBF";
  for (int i = 0; i < 20; ++i) {
    s += WithField(R"("external_id":"id-)" + std::to_string(i) + R"(","text":"baris ke-)" +
                   std::to_string(i) + R"( 😊\nbaru")");
    s += (i % 3 == 0) ? "\r\n" : "\n";
    if (i % 5 == 0) s += "\n";
    if (i % 7 == 0) s += "{broken\n";
    if (i % 4 == 0) s += WithField(R"("likes":-1)") + "\n";
  }
  s += WithField(R"("external_id":"last")");  // no trailing newline
  return s;
}

TEST(ImportChunking, JsonlSameResultForAnySplit) {
  const std::string data = MixedJsonl();
  const ParsedBatch whole = ParseOk(data);
  EXPECT_EQ(whole.mentions.size(), 21u);
  EXPECT_EQ(whole.errors.size(), 3u + 5u);
  ExpectSame(whole, ParseChunked(data, [] { return 1; }));
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::uniform_int_distribution<size_t> dist(1, 1 + round * 50);
    ExpectSame(whole, ParseChunked(data, [&] { return dist(rng); }));
  }
}

TEST(ImportChunking, CsvSameResultForAnySplit) {
  const std::string data =
      ReadFile("mentions_sample.csv") +
      "x,bad,not-a-time,@a,,t,,,,,,,,,\r\n"
      "x,short,row\r\n"
      "\"x\",q1,2025-01-01T00:00:00Z,@a,,\"multi\r\nline \"\"quoted\"\"\",,,,,,1,2,3,z";
  const ParsedBatch whole = ParseOk(data);
  EXPECT_EQ(whole.mentions.size(), 6u);
  EXPECT_EQ(whole.errors.size(), 2u);
  ExpectSame(whole, ParseChunked(data, [] { return 1; }));
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::uniform_int_distribution<size_t> dist(1, 1 + round * 40);
    ExpectSame(whole, ParseChunked(data, [&] { return dist(rng); }));
  }
}

TEST(ImportBatching, BatchesHoldAtMostBatchSize) {
  std::string data;
  for (int i = 0; i < 10; ++i)
    data += WithField(R"("external_id":")" + std::to_string(i) + "\"") + "\n";
  std::vector<size_t> sizes;
  MentionImportParser p({.batch_size = 4}, [&](ParsedBatch&& b) {
    sizes.push_back(b.mentions.size());
    return Status::Ok();
  });
  ASSERT_TRUE(p.Feed(data).ok());
  EXPECT_EQ(sizes, (std::vector<size_t>{4, 4}));
  ASSERT_TRUE(p.Finish().ok());
  EXPECT_EQ(sizes, (std::vector<size_t>{4, 4, 2}));
  EXPECT_EQ(p.stats().accepted, 10);
  EXPECT_EQ(p.stats().lines, 10);
  EXPECT_EQ(p.format(), ImportFormat::kJsonl);
  EXPECT_EQ(p.Feed("x").code(), Code::kFailedPrecondition);
}

TEST(ImportBatching, CallbackErrorAbortsTheImport) {
  std::string data;
  for (int i = 0; i < 10; ++i) data += std::string(kGood) + "\n";
  int calls = 0;
  MentionImportParser p({.batch_size = 2}, [&](ParsedBatch&&) {
    ++calls;
    return Unavailable("database is busy");
  });
  Status s = p.Feed(data);
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(p.Feed(kGood).code(), Code::kUnavailable);
  EXPECT_EQ(p.Finish().code(), Code::kUnavailable);
  EXPECT_EQ(calls, 1);
}

// ---------------------------------------------------------------- format detection

TEST(ImportFormatDetection, SniffsFirstNonBlankByte) {
  MentionImportParser p({}, [](ParsedBatch&&) { return Status::Ok(); });
  ASSERT_TRUE(p.Feed("\xEF\xBB").ok());
  ASSERT_TRUE(p.Feed("\xBF \r\n").ok());
  EXPECT_EQ(p.format(), ImportFormat::kAuto);
  ASSERT_TRUE(p.Feed(" {").ok());
  EXPECT_EQ(p.format(), ImportFormat::kJsonl);

  MentionImportParser q({}, [](ParsedBatch&&) { return Status::Ok(); });
  ASSERT_TRUE(q.Feed("platform,").ok());
  EXPECT_EQ(q.format(), ImportFormat::kCsv);
}

TEST(ImportFormatDetection, EmptyInputIsFine) {
  for (std::string_view data : {"", "\xEF\xBB\xBF", "\n\n  \r\n"}) {
    ParsedBatch b = ParseOk(data);
    EXPECT_TRUE(b.empty());
  }
}

TEST(ImportFormatDetection, NamesAndExtensions) {
  EXPECT_EQ(ParseImportFormat("jsonl"), ImportFormat::kJsonl);
  EXPECT_EQ(ParseImportFormat("ndjson"), ImportFormat::kJsonl);
  EXPECT_EQ(ParseImportFormat("csv"), ImportFormat::kCsv);
  EXPECT_EQ(ParseImportFormat("auto"), ImportFormat::kAuto);
  EXPECT_EQ(ParseImportFormat("xml"), std::nullopt);
  EXPECT_EQ(FormatFromFilename("/tmp/export.JSONL"), ImportFormat::kJsonl);
  EXPECT_EQ(FormatFromFilename("a.ndjson"), ImportFormat::kJsonl);
  EXPECT_EQ(FormatFromFilename("Ekspor Mei.csv"), ImportFormat::kCsv);
  EXPECT_EQ(FormatFromFilename("data.txt"), ImportFormat::kAuto);
  EXPECT_EQ(ToString(ImportFormat::kCsv), "csv");
}

TEST(ImportFormatDetection, ExplicitFormatWins) {
  // A JSON line read as CSV is a header without the required columns.
  auto r = ParseMentionImport(kGood, {.format = ImportFormat::kCsv});
  EXPECT_FALSE(r.ok());
}

// ---------------------------------------------------------------- CSV

constexpr char kHeader[] = "platform,external_id,author_handle,author_name,text,created_at";

TEST(CsvImport, QuotedFieldsCommasQuotesNewlines) {
  const std::string data =
      std::string(kHeader) +
      "\n"
      "x,1,@a,\"Santoso, Budi\",\"dia bilang \"\"oke\"\"\nbaris 2\n\nbaris 4\","
      "2025-01-01T00:00:00Z\n"
      "x,2,@b,,plain,2025-01-01T00:00:00Z\n";
  ParsedBatch b = ParseOk(data);
  ASSERT_TRUE(b.errors.empty()) << b.errors[0].ToString();
  ASSERT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.mentions[0].author_name, "Santoso, Budi");
  EXPECT_EQ(b.mentions[0].text, "dia bilang \"oke\"\nbaris 2\n\nbaris 4");
  EXPECT_EQ(b.lines, (std::vector<int64_t>{2, 6}));  // physical line where each record starts
}

TEST(CsvImport, CrlfBomAndColumnOrderFree) {
  const std::string data =
      "\xEF\xBB\xBF"
      "Text , created_at,likes,PLATFORM,author_handle,external_id,ignored_col\r\n"
      "\"halo\r\nmin\",2025-01-01T00:00:00Z,7,instagram,@c,abc,whatever\r\n"
      "\r\n"
      "apa kabar,2025-01-02T00:00:00+07:00,,tiktok,@d,def,\r\n";
  ParsedBatch b = ParseOk(data);
  ASSERT_TRUE(b.errors.empty()) << b.errors[0].ToString();
  ASSERT_EQ(b.mentions.size(), 2u);
  EXPECT_EQ(b.mentions[0].text, "halo\r\nmin");
  EXPECT_EQ(b.mentions[0].platform, Platform::kInstagram);
  EXPECT_EQ(b.mentions[0].likes, 7);
  EXPECT_EQ(b.mentions[1].text, "apa kabar");
  EXPECT_EQ(b.mentions[1].likes, 0);
  EXPECT_EQ(b.lines, (std::vector<int64_t>{2, 5}));
}

TEST(CsvImport, SemicolonDelimitedSpreadsheetExport) {
  // Spreadsheets in id-ID write ';' because ',' is the decimal separator.
  const std::string data =
      "\xEF\xBB\xBF\r\n"
      "platform;external_id;author_handle;author_name;text;created_at;likes\r\n"
      "facebook;1;rina.m;\"Marlina; Rina\";\"jalan rusak, tolong\r\ndiperbaiki\";"
      "2025-01-01T08:00:00+08:00;1200\r\n"
      "x;2;@b;;ok;2025-01-01T00:00:00Z;\r\n";
  const ParsedBatch whole = ParseOk(data);
  ASSERT_TRUE(whole.errors.empty()) << whole.errors[0].ToString();
  ASSERT_EQ(whole.mentions.size(), 2u);
  EXPECT_EQ(whole.mentions[0].author_name, "Marlina; Rina");
  EXPECT_EQ(whole.mentions[0].text, "jalan rusak, tolong\r\ndiperbaiki");
  EXPECT_EQ(whole.mentions[0].likes, 1200);
  EXPECT_EQ(whole.lines, (std::vector<int64_t>{3, 5}));
  ExpectSame(whole, ParseChunked(data, [] { return 1; }));
  // A comma header stays comma-delimited even with semicolons in quoted names.
  ParsedBatch c =
      ParseOk(std::string(kHeader) + ",\"a;b;c;d\"\nx,1,@a,,t;u,2025-01-01T00:00:00Z,z\n");
  ASSERT_EQ(c.mentions.size(), 1u);
  EXPECT_EQ(c.mentions[0].text, "t;u");
}

TEST(CsvImport, MissingRequiredColumnFailsTheFile) {
  auto r = ParseMentionImport("platform,external_id,author_handle,created_at\nx,1,@a,2025\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("lacks required column(s) text"));
  auto dup = ParseMentionImport(std::string(kHeader) + ",text\n");
  ASSERT_FALSE(dup.ok());
  EXPECT_THAT(dup.status().message(), HasSubstr("\"text\" appears twice"));
}

TEST(CsvImport, BadRowsAreRejectedWithTheirLine) {
  const std::string data = std::string(kHeader) + ",likes\n" +
                           "x,1,@a,,ok,2025-01-01T00:00:00Z,1\n"             // 2 ok
                           "x,2,@a,,too few\n"                               // 3
                           "x,3,@a,,a,2025-01-01T00:00:00Z,1,extra\n"        // 4
                           "x,4,@a,,a,2025-01-01T00:00:00Z,lots\n"           // 5
                           "x,5,@a,,,2025-01-01T00:00:00Z,1\n"               // 6
                           "x,6,@a,,\"a\"b,2025-01-01T00:00:00Z,1\n"         // 7
                           "x,7,@a,,\"x\xff\",2025-01-01T00:00:00Z,1\n"      // 8
                           "x,8,@a,,\"ok\nagain\",2025-01-01T00:00:00Z,2\n"  // 9-10 ok
                           "x,9,@a,,\"never closed,2025\n";                  // 11
  ParsedBatch b = ParseOk(data);
  EXPECT_EQ(b.lines, (std::vector<int64_t>{2, 9}));
  ASSERT_EQ(b.errors.size(), 7u);
  std::vector<std::string> codes;
  for (const auto& e : b.errors) codes.push_back(CodeOf(e));
  EXPECT_EQ(codes, (std::vector<std::string>{"wrong_column_count", "wrong_column_count",
                                             "invalid_value likes", "missing_field text",
                                             "malformed_quote", "invalid_utf8 text",
                                             "unterminated_quote"}));
  EXPECT_EQ(b.errors[0].ToString(), "line 3: expected 7 columns as in the header, found 5");
  EXPECT_EQ(b.errors[1].ToString(), "line 4: expected 7 columns as in the header, found 8");
  EXPECT_EQ(b.errors[2].ToString(), "line 5: likes: must be a non-negative integer, got \"lots\"");
  EXPECT_EQ(b.errors[3].ToString(), "line 6: missing required field text");
  EXPECT_THAT(b.errors[4].ToString(), HasSubstr("line 7: malformed quoted field"));
  EXPECT_EQ(b.errors[5].ToString(),
            "line 8: text: not valid UTF-8 (the file must be UTF-8 encoded)");
  EXPECT_THAT(b.errors[6].ToString(), HasSubstr("line 11: unterminated quoted field"));
}

TEST(CsvImport, HugeRecordIsRejected) {
  const std::string data = std::string(kHeader) + "\nx,1,@a,,\"" + std::string(3 << 20, 'y') +
                           "\",2025-01-01T00:00:00Z\nx,2,@a,,ok,2025-01-01T00:00:00Z\n";
  ParsedBatch b = ParseChunked(data, [] { return 100000; });
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_EQ(b.errors[0].line, 2);
  EXPECT_THAT(b.errors[0].reason, HasSubstr("more than 1048576 bytes"));
  EXPECT_EQ(CodeOf(b.errors[0]), "line_too_long");
  EXPECT_EQ(b.lines, (std::vector<int64_t>{3}));
}

TEST(CsvImport, CellErrorsNameTheCsvColumn) {
  const std::string header = std::string(kHeader) + ",url,agency,shares,kind\n";
  const auto code = [&](std::string_view row) {
    ParsedBatch b = ParseOk(header + std::string(row) + "\n");
    EXPECT_EQ(b.errors.size(), 1u) << row;
    return b.errors.empty() ? std::string() : CodeOf(b.errors[0]);
  };
  EXPECT_EQ(code("x,1,,,t,2025-01-01T00:00:00Z,,,,"), "missing_field author_handle");
  EXPECT_EQ(code("x,1,@a,\"Bu\xff\",t,2025-01-01T00:00:00Z,,,,"), "invalid_utf8 author_name");
  EXPECT_EQ(code("x,1,@a,,t,2025-01-01T00:00:00Z,https://a.example/\xff,,,"), "invalid_utf8 url");
  EXPECT_EQ(code("x,1," + std::string(201, 'h') + ",,t,2025-01-01T00:00:00Z,,,,"),
            "too_long author_handle");
  EXPECT_EQ(code("x,1,@a,,t,kemarin,,,,"), "invalid_time created_at");
  EXPECT_EQ(code("x,1,@a,,t,2025-01-01T00:00:00Z,,DINKES,,"), "invalid_value agency");
  EXPECT_EQ(code("x,1,@a,,t,2025-01-01T00:00:00Z,,,1.234,"), "invalid_value shares");
  EXPECT_EQ(code("x,1,@a,,t,2025-01-01T00:00:00Z,,,99999999999999999999,"), "invalid_value shares");
  EXPECT_EQ(code("x,1,@a,,t,2025-01-01T00:00:00Z,,,,retweet"), "invalid_value kind");
  EXPECT_EQ(code("fb,1,@a,,t,2025-01-01T00:00:00Z,,,,"), "invalid_value platform");
}

TEST(CsvImport, HeaderOnlyAndUnquotedBareQuotes) {
  EXPECT_TRUE(ParseOk(std::string(kHeader) + "\r\n").empty());
  ParsedBatch b = ParseOk(std::string(kHeader) + "\nx,1,@a,,layar 5\" rusak,2025-01-01T00:00:00Z");
  ASSERT_EQ(b.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].text, "layar 5\" rusak");
}

// ---------------------------------------------------------------- robustness

//! Random bytes biased towards the characters that drive both state machines.
std::string Garbage(std::mt19937& rng, size_t n) {
  static constexpr char kAlphabet[] = "{}[]\":,\\\r\n \"\",,x1aZ\xEF\xBB\xBF\xC3\xFF\x00";
  std::uniform_int_distribution<size_t> pick(0, sizeof kAlphabet - 2);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kAlphabet[pick(rng)];
  return s;
}

TEST(ImportRobustness, RandomInputNeverCrashesAndIgnoresChunking) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 300; ++round) {
    std::string data = Garbage(rng, 1 + round * 7);
    if (round % 3 == 0) data = std::string(kGood) + "\n" + data;    // JSONL with a bad tail
    if (round % 3 == 1) data = std::string(kHeader) + "\n" + data;  // CSV with a bad body
    ImportOptions options;
    options.max_line_bytes = 64;  // also exercise the size limit
    auto whole = ParseMentionImport(data, options);
    std::uniform_int_distribution<size_t> dist(1, 17);
    ParsedBatch chunked;
    options.batch_size = 2;
    MentionImportParser p(options, [&](ParsedBatch&& b) {
      for (auto& m : b.mentions) chunked.mentions.push_back(std::move(m));
      chunked.lines.insert(chunked.lines.end(), b.lines.begin(), b.lines.end());
      for (auto& e : b.errors) chunked.errors.push_back(std::move(e));
      return Status::Ok();
    });
    Status st;
    for (size_t off = 0; off < data.size() && st.ok();) {
      const size_t n = std::min(data.size() - off, dist(rng));
      st = p.Feed(std::string_view(data).substr(off, n));
      off += n;
    }
    if (st.ok()) st = p.Finish();
    ASSERT_EQ(whole.ok(), st.ok()) << round;
    if (whole.ok()) {
      ExpectSame(*whole, chunked);
      EXPECT_LE(p.stats().accepted + p.stats().rejected, p.stats().lines + 1);
    } else {
      EXPECT_EQ(whole.status().message(), st.message());
    }
  }
}

// ---------------------------------------------------------------- real-format samples

TEST(SampleFiles, Jsonl) {
  const std::string data = ReadFile("mentions_sample.jsonl");
  ParsedBatch b = ParseOk(data);
  EXPECT_TRUE(b.errors.empty()) << b.errors[0].ToString();
  ASSERT_EQ(b.mentions.size(), 10u);
  EXPECT_EQ(b.lines, (std::vector<int64_t>{1, 2, 3, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(b.mentions[1].kind, MentionKind::kReply);
  EXPECT_EQ(b.mentions[1].in_reply_to, b.mentions[0].external_id);
  EXPECT_EQ(b.mentions[4].platform, Platform::kTiktok);
  EXPECT_EQ(b.mentions[4].external_id, "7340011122233344455");
  EXPECT_EQ(b.mentions[6].kind, MentionKind::kShare);
  EXPECT_EQ(b.mentions[9].external_id, b.mentions[0].external_id);  // duplicate kept
  EXPECT_EQ(FormatFromFilename("mentions_sample.jsonl"), ImportFormat::kJsonl);
}

TEST(SampleFiles, Csv) {
  const std::string data = ReadFile("mentions_sample.csv");
  ParsedBatch b = ParseOk(data, {.format = FormatFromFilename("mentions_sample.csv")});
  EXPECT_TRUE(b.errors.empty()) << b.errors[0].ToString();
  ASSERT_EQ(b.mentions.size(), 5u);
  EXPECT_EQ(b.lines, (std::vector<int64_t>{2, 3, 4, 7, 8}));
  EXPECT_EQ(b.mentions[1].text,
            "Kata Pak Kadis: \"jalan ke Desa Long Pelita selesai Juni\". Kita tunggu ya, semoga "
            "bukan janji doang #SukamajuMembangun");
  EXPECT_EQ(b.mentions[2].text,
            "Kapan pendaftaran PPDB SMP dibuka min?\r\nAnak saya mau masuk SMPN 2 Sukamaju.\r\n"
            "Makasih 😊");
  EXPECT_EQ(b.mentions[4].kind, MentionKind::kShare);
  EXPECT_EQ(b.mentions[4].likes, 2300);
  EXPECT_EQ(b.mentions[0].in_reply_to, "998877665544_1000");
}

}  // namespace
}  // namespace humas
