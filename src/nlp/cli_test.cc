// Tests of the scriptable interface of issue 4 as the acceptance checks drive it: `classify` output
// (one JSON object per input line, also for bad input), `classify --all` (every label), `eval`
// with the shipped model (last line), and the shipped hoax-claims library.
#include "nlp/cli.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nlp/hoax.h"

namespace humas::nlp {
namespace {

namespace fs = std::filesystem;

fs::path TempPath(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("humas_nlp_cli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

int RunCli(int (*fn)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return fn(static_cast<int>(argv.size()), argv.data());
}

// Runs fn with `input` on standard input; returns its standard output split into lines.
std::vector<std::string> RunWithStdin(int (*fn)(int, char**), std::vector<std::string> args,
                                      const std::string& input, int* rc) {
  const auto in = TempPath("stdin.txt");
  std::ofstream(in, std::ios::binary) << input;
  EXPECT_NE(std::freopen(in.c_str(), "r", stdin), nullptr);
  testing::internal::CaptureStdout();
  *rc = RunCli(fn, std::move(args));
  std::istringstream out(testing::internal::GetCapturedStdout());
  std::vector<std::string> lines;
  for (std::string l; std::getline(out, l);) lines.push_back(l);
  return lines;
}

const std::string kModels = HUMAS_SOURCE_MODELS_DIR;

// Every kind of bad input issue 4 names, one per line, plus ordinary text.
std::string BadInput() {
  std::string s;
  s += "pelayanan puskesmas cepat dan ramah, terima kasih\n";
  s += "\n";                                              // empty text
  s += "rusak \xff\xfe\xc3 jalan\n";                      // invalid UTF-8
  s += "a\x01\x02\x1b[31m b\n";                           // control characters
  s += "\xe2\x80\x8f\xd8\xa7\xd9\x84 \xe2\x80\x8e ok\n";  // right-to-left and left-to-right marks
  s += "ja\xe2\x80\x8dlan ru\xe2\x80\x8bsak\n";           // zero-width joiner and space
  s += std::string(1 << 20, 'a') + "\n";                  // a 1 MB text
  return s;
}

TEST(ClassifyCliTest, OneJsonObjectPerLineEvenForBadInput) {
  int rc = -1;
  const auto lines = RunWithStdin(
      ClassifyMain, {"classify", "--model", kModels + "/sentiment.model"}, BadInput(), &rc);
  EXPECT_EQ(rc, 0);
  ASSERT_EQ(lines.size(), 7u);
  for (const auto& l : lines) {
    EXPECT_EQ(l.rfind("{\"label\":\"", 0), 0u) << l;
    EXPECT_EQ(l.back(), '}') << l;
    EXPECT_NE(l.find("\"confidence\":"), std::string::npos) << l;
    EXPECT_NE(l.find("\"probabilities\":{\"positive\":"), std::string::npos) << l;
  }
  EXPECT_EQ(lines[0].rfind("{\"label\":\"positive\"", 0), 0u) << lines[0];
}

// Reads from fd until a newline arrives; false if none comes within 30 s (a generous bound: the
// test checks that an answer comes before more input is sent, it does not time anything).
bool ReadLine(int fd, std::string* line) {
  line->clear();
  char c = 0;
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 30000) <= 0 || ::read(fd, &c, 1) != 1) return false;
    if (c == '\n') return true;
    line->push_back(c);
  }
}

TEST(ClassifyCliTest, AnswersEachLineBeforeTheNextArrives) {
  // Driven line by line through pipes (a script or an officer's terminal), classify must write
  // each answer while it waits for more input, not when its output buffer fills.
  int in[2], out[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  std::fflush(stdout);
  const int saved_in = ::dup(STDIN_FILENO), saved_out = ::dup(STDOUT_FILENO);
  ::dup2(in[0], STDIN_FILENO);
  ::dup2(out[1], STDOUT_FILENO);
  ::close(in[0]);
  ::close(out[1]);
  int rc = -1;
  std::thread cli([&] {
    rc = RunCli(ClassifyMain, {"classify", "--model", kModels + "/sentiment.model"});
  });
  std::string first, second;
  ASSERT_EQ(::write(in[1], "pelayanan bagus sekali\n", 23), 23);
  const bool got_first = ReadLine(out[0], &first);  // while the input is still open
  ASSERT_EQ(::write(in[1], "jalan rusak parah\n", 18), 18);
  ::close(in[1]);
  const bool got_second = ReadLine(out[0], &second);
  cli.join();
  std::fflush(stdout);
  ::dup2(saved_in, STDIN_FILENO);
  ::dup2(saved_out, STDOUT_FILENO);
  ::close(saved_in);
  ::close(saved_out);
  ::close(out[0]);
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(got_first);
  EXPECT_TRUE(got_second);
  EXPECT_EQ(first.rfind("{\"label\":\"positive\"", 0), 0u) << first;
  EXPECT_EQ(second.rfind("{\"label\":\"negative\"", 0), 0u) << second;
}

TEST(ClassifyCliTest, AllGivesEveryLabel) {
  int rc = -1;
  const auto lines = RunWithStdin(
      ClassifyMain, {"classify", "--all", "--models-dir", kModels},
      BadInput() +
          "WASPADA vaksin covid ternyata mengandung chip untuk melacak orang yang disuntik!!\n" +
          "hubungi saya di 081234567890\n",
      &rc);
  EXPECT_EQ(rc, 0);
  ASSERT_EQ(lines.size(), 9u);
  for (const auto& l : lines) {
    for (const char* key : {"\"label\":", "\"confidence\":", "\"sentiment\":{\"label\":",
                            "\"kind\":{\"label\":", "\"hoax_score\":", "\"personal_data\":["}) {
      EXPECT_NE(l.find(key), std::string::npos) << key << " missing in " << l.substr(0, 200);
    }
  }
  EXPECT_NE(lines[7].find("\"hoax_claim\":\"kominfo-2021-vaksin-chip\""), std::string::npos)
      << lines[7];
  EXPECT_NE(lines[7].find("\"hoax_source\":\"https://www.kominfo.go.id/"), std::string::npos);
  EXPECT_EQ(lines[0].find("hoax_claim"), std::string::npos) << lines[0];
  EXPECT_NE(lines[8].find("\"personal_data\":[\"phone\"]"), std::string::npos) << lines[8];
}

TEST(ClassifyCliTest, MissingModelIsAnErrorNotACrash) {
  int rc = -1;
  testing::internal::CaptureStderr();
  const auto lines =
      RunWithStdin(ClassifyMain, {"classify", "--model", "/nonexistent.model"}, "x\n", &rc);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, 1);
  EXPECT_TRUE(lines.empty());
  EXPECT_NE(err.find("cannot open model"), std::string::npos) << err;
}

TEST(EvalCliTest, ShippedModelLastLine) {
  const auto data = TempPath("eval.tsv");
  std::ofstream(data) << "pelayanan bagus sekali, petugas ramah\tpositive\n"
                         "kecewa, petugas kasar dan lambat\tnegative\n"
                         "kantor kecamatan buka jam delapan pagi\tneutral\n";
  testing::internal::CaptureStdout();
  // no --model: the model that ships with humas
  EXPECT_EQ(RunCli(EvalMain, {"eval", "--task", "sentiment", "--data", data.string()}), 0);
  const std::string out = testing::internal::GetCapturedStdout();
  const std::string last = out.substr(out.rfind('\n', out.size() - 2) + 1);
  // accuracy=0.xxxx macro_f1=0.xxxx n=N
  ASSERT_EQ(last.size(), std::string("accuracy=0.0000 macro_f1=0.0000 n=3\n").size()) << last;
  EXPECT_EQ(last.rfind("accuracy=", 0), 0u);
  EXPECT_EQ(last.substr(15, 10), " macro_f1=");
  EXPECT_EQ(last.substr(31), " n=3\n");
}

TEST(HoaxLibraryTest, ShippedClaimsCarrySourceAndDate) {
  auto lib = HoaxMatcher::LoadTsv(kModels + "/hoax-claims.tsv");
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  EXPECT_GE(lib->size(), 20u);
  std::ifstream in(kModels + "/hoax-claims.tsv");
  int claims = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    ++claims;
    std::vector<std::string> f;
    std::istringstream cols(line);
    for (std::string c; std::getline(cols, c, '\t');) f.push_back(c);
    ASSERT_EQ(f.size(), 4u) << line;
    EXPECT_EQ(f[2].rfind("http", 0), 0u) << "source must be a URL: " << line;
    EXPECT_EQ(f[3].size(), 10u) << "date must be YYYY-MM-DD: " << line;
    // each claim matches itself, as its own best claim
    auto m = lib->Best(f[1]);
    ASSERT_TRUE(m.has_value()) << line;
    EXPECT_EQ(m->id, f[0]);
    EXPECT_EQ(m->source, f[2]);
    EXPECT_EQ(m->date, f[3]);
  }
  EXPECT_EQ(static_cast<std::size_t>(claims), lib->size());
  // a forwarded variant and an unrelated post (a loose paraphrase such as "wa bakal bayar" is not
  // a near-duplicate and scores about 0.2: the matcher finds copies, not meanings)
  auto m = lib->Best(
      "mulai hari senin whatsapp akan dikenakan biaya, kirim pesan ini ke 10 kontak anda agar logo "
      "jadi biru");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->id, "kominfo-2019-whatsapp-berbayar");
  EXPECT_FALSE(lib->Best("jadwal posyandu bulan ini hari kamis di balai desa").has_value());
}

TEST(HoaxLibraryTest, MalformedLineIsNamed) {
  const auto p = TempPath("claims.tsv");
  std::ofstream(p) << "# comment\nok-1\tvaksin mengandung chip pelacak warga\nno tab here\n";
  auto lib = HoaxMatcher::LoadTsv(p.string());
  ASSERT_FALSE(lib.ok());
  EXPECT_NE(lib.status().message().find("line 3"), std::string::npos) << lib.status().message();
  EXPECT_EQ(HoaxMatcher::LoadTsv("/nonexistent.tsv").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace humas::nlp
