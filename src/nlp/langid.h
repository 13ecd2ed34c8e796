// A small language guess for the listening filter: Indonesian, English or other.
//
// Not a general language identifier. It counts very frequent function and everyday words of
// Indonesian (standard and colloquial) and of English among the words of a text and answers the
// language with a clear lead (more than twice the other's count). Texts with no such word, or
// mixed without a clear lead, are "other" — an honest "could not tell", never a guess. Known
// limits: Malay reads as Indonesian; one-word texts are usually "other". Measured on SmSA's
// validation split in langid_test.cc.
#pragma once

#include <string_view>
#include <vector>

namespace humas::nlp {

enum class Language { kOther, kIndonesian, kEnglish };

//! Stable codes: "id", "en", "other".
std::string_view LanguageCode(Language language);

//! Guess from words that are already folded (lower case, NFKC), e.g. the matcher's tokens.
Language DetectLanguageOfWords(const std::vector<std::string_view>& words);

//! Guess from raw text (sanitised, folded and split here).
Language DetectLanguage(std::string_view text);

}  // namespace humas::nlp
