// ParseAgencyQuery: lexer + recursive-descent parser for the agency query language.
#include "search/agency_query.h"

#include <utility>

#include "nlp/normalizer.h"
#include "search/query_parser.h"

namespace humas::search {
namespace {

enum class Tok { kTerm, kAnd, kOr, kNot, kOpen, kClose, kEnd };

struct Lexeme {
  Tok tok = Tok::kEnd;
  size_t byte = 0;  //!< where it starts in the expression
  QueryTerm term;   //!< kTerm only
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool EndsChunk(char c) { return IsSpace(c) || c == '(' || c == ')' || c == '"'; }

size_t CodePoints(std::string_view s, size_t byte_end) {
  size_t n = 0;
  for (size_t i = 0; i < byte_end && i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) ++n;
  return n;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<QueryExpr> Run(QueryError* error) {
    Status st = Lex();
    if (st.ok()) st = ParseAll();
    if (!st.ok()) {
      if (error) *error = error_;
      return st;
    }
    return std::move(expr_);
  }

 private:
  Status Fail(std::string code, size_t byte, std::string message) {
    error_.code = std::move(code);
    error_.position = CodePoints(s_, byte);
    error_.message = std::move(message);
    return InvalidArgument("expression, at character " + std::to_string(error_.position + 1) +
                           ": " + error_.message)
        .WithField("expression");
  }

  // ------------------------------------------------------------------ lexer

  Status Lex() {
    if (s_.size() > kMaxExpressionBytes)
      return Fail(
          "too_long", kMaxExpressionBytes,
          "the expression is too long: at most " + std::to_string(kMaxExpressionBytes) + " bytes");
    size_t i = 0;
    while (i < s_.size()) {
      char c = s_[i];
      if (IsSpace(c)) {
        ++i;
      } else if (c == '(') {
        lex_.push_back({Tok::kOpen, i, {}});
        ++i;
      } else if (c == ')') {
        lex_.push_back({Tok::kClose, i, {}});
        ++i;
      } else if (c == '-') {
        if (i + 1 >= s_.size() || IsSpace(s_[i + 1]) || s_[i + 1] == ')')
          return Fail("missing_operand", i, "'-' must be followed by the term it excludes");
        lex_.push_back({Tok::kNot, i, {}});
        ++i;
      } else if (c == '"') {
        size_t end = s_.find('"', i + 1);
        if (end == std::string_view::npos)
          return Fail("unclosed_quote", i, "this quote is not closed");
        QueryTerm t;
        t.kind = TermKind::kPhrase;
        t.tokens = Tokenize(FoldForMatch(s_.substr(i + 1, end - i - 1)));
        if (t.tokens.empty())
          return Fail("empty_term", i, "the quoted phrase has no words (letters or digits)");
        HUMAS_RETURN_IF_ERROR(AddTerm(i, std::move(t)));
        i = end + 1;
      } else {
        size_t start = i;
        while (i < s_.size() && !EndsChunk(s_[i])) ++i;
        HUMAS_RETURN_IF_ERROR(Chunk(start, s_.substr(start, i - start)));
      }
    }
    if (lex_.empty()) return Fail("empty", 0, "the expression is empty: write what to watch");
    lex_.push_back({Tok::kEnd, s_.size(), {}});
    return Status::Ok();
  }

  Status Chunk(size_t at, std::string_view chunk) {
    if (chunk == "AND") return Op(Tok::kAnd, at);
    if (chunk == "OR") return Op(Tok::kOr, at);
    if (chunk == "NOT") return Op(Tok::kNot, at);
    QueryTerm t;
    std::string_view body = chunk;
    if (body.front() == '#' || body.front() == '@') {
      t.kind = body.front() == '#' ? TermKind::kHashtag : TermKind::kAccount;
      body.remove_prefix(1);
    }
    if (!body.empty() && body.back() == '*') {
      t.prefix = true;
      body.remove_suffix(1);
    }
    if (size_t star = body.find('*'); star != std::string_view::npos)
      return Fail("misplaced_wildcard", at + (body.data() - chunk.data()) + star,
                  "'*' may only end a word (vaksin* matches vaksinasi)");
    std::string folded = FoldForMatch(body);
    if (t.kind == TermKind::kHashtag || t.kind == TermKind::kAccount) {
      const char* what = t.kind == TermKind::kHashtag ? "hashtag" : "account";
      // A tag is letters, digits and '_' (accounts also '.'), as the platforms write them.
      size_t i = 0;
      while (i < folded.size()) {
        size_t len = 0;
        char32_t c = DecodeUtf8(folded, &i, &len);
        if (!IsWordChar(c) && c != '_' && !(c == '.' && t.kind == TermKind::kAccount))
          return Fail(
              "empty_term", at,
              std::string(t.kind == TermKind::kHashtag
                              ? "a hashtag may contain only letters, digits and '_'"
                              : "an account may contain only letters, digits, '_' and '.'"));
      }
      if (folded.empty() || Tokenize(folded).empty())
        return Fail("empty_term", at,
                    std::string("the ") + what + " has no name after '" + chunk.front() + "'");
      t.tokens.push_back(std::move(folded));
    } else {
      t.tokens = Tokenize(folded);
      if (t.tokens.empty())
        return Fail("empty_term", at, "\"" + std::string(chunk) + "\" has no letters or digits");
      if (t.tokens.size() > 1) t.kind = TermKind::kPhrase;
    }
    if (t.prefix && CodePoints(t.tokens.back(), t.tokens.back().size()) < kMinPrefixChars)
      return Fail(
          "short_prefix", at,
          "a prefix before '*' needs at least " + std::to_string(kMinPrefixChars) + " letters");
    return AddTerm(at, std::move(t));
  }

  Status Op(Tok tok, size_t at) {
    lex_.push_back({tok, at, {}});
    return Status::Ok();
  }

  Status AddTerm(size_t at, QueryTerm t) {
    if (++terms_ > kMaxExpressionTerms)
      return Fail("too_many_terms", at,
                  "too many terms: at most " + std::to_string(kMaxExpressionTerms));
    t.position = CodePoints(s_, at);
    Lexeme l;
    l.tok = Tok::kTerm;
    l.byte = at;
    l.term = std::move(t);
    lex_.push_back(std::move(l));
    return Status::Ok();
  }

  // ------------------------------------------------------------------ parser

  const Lexeme& Peek() const { return lex_[pos_]; }

  int Add(QueryNode n) {
    expr_.nodes.push_back(std::move(n));
    return static_cast<int>(expr_.nodes.size()) - 1;
  }

  Status ParseAll() {
    HUMAS_ASSIGN_OR_RETURN(int root, ParseOr(0));
    if (Peek().tok != Tok::kEnd)  // only a ')' can stop ParseOr early
      return Fail("unexpected_paren", Peek().byte, "this ')' closes no '('");
    expr_.root = root;
    // Every query must need at least one of its terms: evaluate with none present.
    if (expr_.Eval([](int) { return false; }))
      return Fail("matches_everything", 0,
                  "the expression would match texts that contain none of its terms (it only "
                  "excludes); add a term that must be present");
    return Status::Ok();
  }

  Result<int> ParseOr(int depth) {
    HUMAS_ASSIGN_OR_RETURN(int first, ParseAnd(depth));
    if (Peek().tok != Tok::kOr) return first;
    QueryNode n{QueryNode::Op::kOr, -1, {first}};
    while (Peek().tok == Tok::kOr) {
      ++pos_;
      HUMAS_ASSIGN_OR_RETURN(int next, ParseAnd(depth));
      n.children.push_back(next);
    }
    return Add(std::move(n));
  }

  static bool StartsOperand(Tok t) { return t == Tok::kTerm || t == Tok::kOpen || t == Tok::kNot; }

  Result<int> ParseAnd(int depth) {
    HUMAS_ASSIGN_OR_RETURN(int first, ParseUnary(depth));
    QueryNode n{QueryNode::Op::kAnd, -1, {first}};
    while (Peek().tok == Tok::kAnd || StartsOperand(Peek().tok)) {
      if (Peek().tok == Tok::kAnd) ++pos_;
      HUMAS_ASSIGN_OR_RETURN(int next, ParseUnary(depth));
      n.children.push_back(next);
    }
    if (n.children.size() == 1) return first;
    return Add(std::move(n));
  }

  Result<int> ParseUnary(int depth) {
    if (depth > kMaxExpressionDepth)
      return Fail(
          "too_deep", Peek().byte,
          "too many nested parentheses or NOTs: at most " + std::to_string(kMaxExpressionDepth));
    const Lexeme& l = Peek();
    switch (l.tok) {
      case Tok::kNot: {
        ++pos_;
        HUMAS_ASSIGN_OR_RETURN(int child, ParseUnary(depth + 1));
        return Add({QueryNode::Op::kNot, -1, {child}});
      }
      case Tok::kOpen: {
        size_t open = l.byte;
        ++pos_;
        if (Peek().tok == Tok::kClose) return Fail("missing_operand", Peek().byte, "() is empty");
        HUMAS_ASSIGN_OR_RETURN(int inner, ParseOr(depth + 1));
        if (Peek().tok != Tok::kClose)
          return Fail("unclosed_paren", open, "this '(' is not closed");
        ++pos_;
        return inner;
      }
      case Tok::kTerm: {
        expr_.terms.push_back(l.term);
        ++pos_;
        return Add({QueryNode::Op::kTerm, static_cast<int>(expr_.terms.size()) - 1, {}});
      }
      case Tok::kAnd:
      case Tok::kOr:
        return Fail("missing_operand", l.byte,
                    std::string(l.tok == Tok::kAnd ? "AND" : "OR") + " needs a term before it");
      case Tok::kClose:
        return Fail("missing_operand", l.byte, "a term is missing before this ')'");
      case Tok::kEnd:
        return Fail("missing_operand", l.byte, "the expression ends where a term is missing");
    }
    return Internal("unreachable");
  }

  std::string_view s_;
  std::vector<Lexeme> lex_;
  size_t pos_ = 0;
  size_t terms_ = 0;
  QueryExpr expr_;
  QueryError error_;
};

}  // namespace

std::string FoldForMatch(std::string_view text) {
  // nlp::NfkcCaseFold(nlp::SanitizeUtf8(text)), run by run (FoldMatchesTheNormaliser holds it to
  // that): ASCII inline, non-ASCII runs through the normaliser, memoised per thread.
  std::string out;
  nlp::SanitizeAndFold(text, &out);
  return out;
}

Result<QueryExpr> ParseAgencyQuery(std::string_view expression, QueryError* error) {
  return Parser(expression).Run(error);
}

}  // namespace humas::search
