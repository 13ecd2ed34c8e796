// EditWords / WordsChanged: the rule that decides whether an edit of a mention in an open case is
// news to the officer ("content_edited"): a change of the words asked is; spacing, emoji,
// punctuation, letter case and a link the platform expanded are not.
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {
namespace {

using Words = std::vector<std::string>;

TEST(EditWordsTest, SplitsFoldedWordsAndDropsLinksEmojiAndPunctuation) {
  EXPECT_EQ(EditWords("Kapan  jalan ini DIPERBAIKI?? 🙏🙏 https://t.co/Ab12"),
            (Words{"kapan", "jalan", "ini", "diperbaiki"}));
  EXPECT_EQ(EditWords("#BanjirBerau @bpbd_berau: air naik 2 meter!"),
            (Words{"banjirberau", "bpbd", "berau", "air", "naik", "2", "meter"}));
  EXPECT_EQ(EditWords("(www.berau.go.id) Jam 7"), (Words{"jam", "7"}));
  // Letters of other scripts and combining marks stay words; full-width forms fold (NFKC).
  EXPECT_EQ(EditWords("ｊａｌａｎ rusak ك café"), (Words{"jalan", "rusak", "ك", "café"}));
  EXPECT_EQ(EditWords(""), Words{});
  EXPECT_EQ(EditWords("🙏 !!! https://x.com/a"), Words{});
}

TEST(EditWordsTest, OnlyAChangeOfTheWordsCounts) {
  const std::string q = "Kapan jalan di Tanjung Redeb diperbaiki? https://t.co/Ab12";
  // Not a change of what was asked.
  EXPECT_FALSE(WordsChanged(q, "Kapan jalan di  Tanjung Redeb\ndiperbaiki?  https://t.co/Ab12"));
  EXPECT_FALSE(WordsChanged(q, "Kapan jalan di Tanjung Redeb diperbaiki?? 😡😡 https://t.co/Ab12"));
  EXPECT_FALSE(WordsChanged(
      q, "Kapan jalan di Tanjung Redeb diperbaiki? https://berau.go.id/berita/jalan-rusak-2026"));
  EXPECT_FALSE(WordsChanged(q, "kapan JALAN di tanjung redeb diperbaiki"));
  // A change of the words.
  EXPECT_TRUE(WordsChanged(q, "Kapan jalan di Gunung Tabur diperbaiki? https://t.co/Ab12"));
  EXPECT_TRUE(WordsChanged(q, "Kapan jalan di Tanjung Redeb diperbaiki lagi?"));
  EXPECT_TRUE(WordsChanged(q, "Jalan di Tanjung Redeb diperbaiki kapan?"));  // order matters
  EXPECT_TRUE(WordsChanged("Harga 10 ribu", "Harga 12 ribu"));               // numbers are words
}

}  // namespace
}  // namespace humas::store::sqlite
