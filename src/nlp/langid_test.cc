// Tests of the small id/en/other language guess, including its rate on SmSA's validation split
// (Indonesian reviews and comments, read from ../shared at test time).
#include "nlp/langid.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace humas::nlp {
namespace {

std::string_view Code(std::string_view text) { return LanguageCode(DetectLanguage(text)); }

TEST(LangIdTest, ClearCases) {
  EXPECT_EQ(Code("Jalan di depan puskesmas rusak parah, tolong segera diperbaiki pak"), "id");
  EXPECT_EQ(Code("gak ada yg peduli sama warga"), "id");
  EXPECT_EQ(Code("The road to the hospital is broken again, please fix it"), "en");
  EXPECT_EQ(Code("Thanks for the quick response!"), "en");
}

TEST(LangIdTest, CannotTellIsOther) {
  EXPECT_EQ(Code(""), "other");
  EXPECT_EQ(Code("mantap 👍"), "other");
  EXPECT_EQ(Code("病院への道が壊れています"), "other");
  EXPECT_EQ(Code("Bonjour, la route est cassée"), "other");
  EXPECT_EQ(Code("the jalan"), "other");  // one marker each: no clear lead
}

// Share of SmSA validation texts guessed as Indonesian; printed so a change is visible.
TEST(LangIdTest, SmsaValidationIsIndonesian) {
  std::ifstream in(std::string(HUMAS_SHARED_DIR) + "/data/indonlu-smsa/valid_preprocess.tsv");
  ASSERT_TRUE(in) << "missing ../shared/data/indonlu-smsa";
  std::string line;
  int total = 0, id = 0, en = 0;
  while (std::getline(in, line)) {
    std::string text = line.substr(0, line.find('\t'));
    Language l = DetectLanguage(text);
    ++total;
    id += l == Language::kIndonesian;
    en += l == Language::kEnglish;
  }
  ASSERT_GT(total, 1000);
  double id_rate = static_cast<double>(id) / total;
  double en_rate = static_cast<double>(en) / total;
  std::printf("SmSA valid: %d texts, id %.4f, en %.4f, other %.4f\n", total, id_rate, en_rate,
              1 - id_rate - en_rate);
  EXPECT_GE(id_rate, 0.90);
  EXPECT_LE(en_rate, 0.01);
}

}  // namespace
}  // namespace humas::nlp
