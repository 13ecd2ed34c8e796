// Unit tests for the personal-data detector.
#include "nlp/pii.h"

#include <gtest/gtest.h>

#include <string>

namespace humas::nlp {
namespace {

std::string Kinds(std::string_view text) {
  std::string out;
  for (const auto& m : FindPersonalData(text)) {
    out += (out.empty() ? "" : ",") + std::string(ToString(m.kind)) + ":" +
           std::string(text.substr(m.begin, m.end - m.begin));
  }
  return out;
}

TEST(PiiTest, Nik) {
  // 64 (Kaltim) 03 (Berau) 01, born 17-08-85, serial 0001
  EXPECT_EQ(Kinds("nik saya 6403011708850001 mohon dicek"), "nik:6403011708850001");
  EXPECT_EQ(Kinds("nik 6403015708850002"), "nik:6403015708850002");  // woman: day + 40
  EXPECT_EQ(Kinds("kode 9903011708850001"), "");                     // province 99 does not exist
  EXPECT_EQ(Kinds("kode 6403013208850001"), "");                     // day 32
  EXPECT_EQ(Kinds("kode 6403011713850001"), "");                     // month 13
  EXPECT_EQ(Kinds("kode 6403011708850000"), "");                     // serial 0000
  EXPECT_EQ(Kinds("64030117088500011"), "");                         // 17 digits: not a NIK
}

TEST(PiiTest, PhoneNumbers) {
  EXPECT_EQ(Kinds("hubungi 081234567890 ya"), "phone:081234567890");
  EXPECT_EQ(Kinds("wa +62 812-3456-7890."), "phone:+62 812-3456-7890");
  EXPECT_EQ(Kinds("atau 62812 3456 789"), "phone:62812 3456 789");
  EXPECT_EQ(Kinds("kantor (0554) 21234 atau 0554-212345"), "phone:0554-212345");
  EXPECT_EQ(Kinds("harga 150000 rupiah, tahun 2024"), "");
  EXPECT_EQ(Kinds("0812"), "");
}

TEST(PiiTest, EmailAndAddress) {
  EXPECT_EQ(Kinds("kirim ke budi.santoso@gmail.com."), "email:budi.santoso@gmail.com");
  EXPECT_EQ(Kinds("@dinkes_berau mohon info"), "");
  EXPECT_EQ(Kinds("rumah saya di Jl. Ahmad Yani No. 12 Tanjung Redeb"),
            "address:Jl. Ahmad Yani No. 12");
  EXPECT_EQ(Kinds("tinggal di RT 03/RW 05 kelurahan"), "address:RT 03/RW 05");
  EXPECT_EQ(Kinds("jalan rusak parah, no comment"), "");
}

TEST(PiiTest, RedactAndBadInput) {
  EXPECT_EQ(RedactPersonalData("nik 6403011708850001 hp 081234567890"), "nik [NIK] hp [TELEPON]");
  EXPECT_TRUE(HasPersonalData("email a.b@x.id"));
  EXPECT_FALSE(HasPersonalData(""));
  EXPECT_FALSE(HasPersonalData(std::string("\xff\xfe\x00\x01", 4)));
  std::string big(1 << 20, '8');
  EXPECT_TRUE(FindPersonalData(big).empty());  // one long number: nothing, in linear time
}

}  // namespace
}  // namespace humas::nlp
