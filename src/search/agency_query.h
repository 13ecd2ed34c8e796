// The query language an officer writes to say what an agency watches (social listening):
//
//   dinkes "dinas kesehatan" #vaksin @dinkes_berau vaksin*        terms, side by side = AND
//   (banjir OR longsor) AND berau NOT hoaks -"berita lama"       boolean operators, exclusions
//
// Terms: a word; a "quoted phrase" (its words in this order); a #hashtag; an @account (mentioned
// in the text or the author); a word ending in * matches every word starting with it (vaksin* →
// vaksinasi). Operators: AND, OR, NOT in capitals (lower-case "and"/"or" are ordinary words), or
// a leading '-' for NOT, and parentheses. NOT binds tightest, then AND (also implicit between
// terms), then OR. Matching is over folded text (NFKC + case folding) at word boundaries:
// "dinkes" does not match "dinkesos" unless written dinkes*. A plain word (or prefix*) also
// matches the hashtag of the same word (#dinkes); a #hashtag matches only hashtags.
//
// Platform and language filters are not part of the expression: they are separate fields of
// the stored query (see store/queries.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace humas::search {

enum class TermKind { kWord, kPhrase, kHashtag, kAccount };

//! One leaf of the expression, already folded (NFKC + case folding) and split into words.
struct QueryTerm {
  TermKind kind = TermKind::kWord;
  //! kWord/kPhrase: the words in order (a word with inner punctuation such as "covid-19" is a
  //! phrase of its parts). kHashtag/kAccount: exactly one token without the leading '#'/'@'.
  std::vector<std::string> tokens;
  bool prefix = false;  //!< the last token is a prefix (written with a trailing '*')
  size_t position = 0;  //!< code-point offset of the term in the expression
};

//! A node of the expression tree; children index into QueryExpr::nodes.
struct QueryNode {
  enum class Op { kTerm, kAnd, kOr, kNot };
  Op op = Op::kTerm;
  int term = -1;  //!< kTerm: index into QueryExpr::terms
  std::vector<int> children;
};

struct QueryExpr {
  std::vector<QueryTerm> terms;
  std::vector<QueryNode> nodes;
  int root = -1;

  //! Evaluates the expression given which terms are present (term_present[i] for terms[i]).
  template <typename Present>
  bool Eval(const Present& term_present) const {
    return EvalNode(root, term_present);
  }

 private:
  template <typename Present>
  bool EvalNode(int n, const Present& present) const {
    const QueryNode& node = nodes[static_cast<size_t>(n)];
    switch (node.op) {
      case QueryNode::Op::kTerm:
        return present(node.term);
      case QueryNode::Op::kNot:
        return !EvalNode(node.children[0], present);
      case QueryNode::Op::kAnd:
        for (int c : node.children)
          if (!EvalNode(c, present)) return false;
        return true;
      case QueryNode::Op::kOr:
        for (int c : node.children)
          if (EvalNode(c, present)) return true;
        return false;
    }
    return false;
  }
};

//! Why an expression was refused: a stable `code` for clients to translate, the code-point
//! `position` in the expression where the problem is, and English detail in `message`.
//! Codes: empty, too_long, too_many_terms, too_deep, unclosed_quote, unclosed_paren,
//! unexpected_paren, missing_operand, empty_term, misplaced_wildcard, short_prefix,
//! matches_everything.
struct QueryError {
  std::string code;
  size_t position = 0;
  std::string message;
};

inline constexpr size_t kMaxExpressionBytes = 2000;
inline constexpr size_t kMaxExpressionTerms = 64;
inline constexpr int kMaxExpressionDepth = 16;
inline constexpr size_t kMinPrefixChars = 3;

//! Parses an agency query expression. On failure returns InvalidArgument (field "expression",
//! message starting with the position) and fills *error when given. An expression that would be
//! true for a text containing none of its terms (e.g. "NOT hoaks", "a OR NOT b") is refused
//! (matches_everything): every query must require at least one term to be present.
Result<QueryExpr> ParseAgencyQuery(std::string_view expression, QueryError* error = nullptr);

//! Folds text for matching: invalid UTF-8 replaced, NFKC, Unicode case folding, default-ignorable
//! characters dropped (the language engine's normaliser, src/nlp).
std::string FoldForMatch(std::string_view text);

}  // namespace humas::search
