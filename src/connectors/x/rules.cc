// Compiling agency queries to X filtered stream rules.
#include "connectors/x/rules.h"

#include <algorithm>
#include <set>

#include "search/agency_query.h"

namespace humas::connectors::x {
namespace {

using search::QueryExpr;
using search::QueryNode;
using search::QueryTerm;
using search::TermKind;

struct Compiler {
  const QueryExpr& expr;
  std::string error;

  std::string Quote(const std::vector<std::string>& words) {
    std::string out = "\"";
    for (size_t i = 0; i < words.size(); ++i) {
      if (i) out += ' ';
      for (char c : words[i])
        if (c != '"') out += c;
    }
    return out + "\"";
  }

  //! A term as X operators; `negated` asks for its negation (several operators for an account).
  std::string Term(const QueryTerm& t, bool negated) {
    const std::string minus = negated ? "-" : "";
    if (t.prefix) {
      error = "X rules have no wildcard: '" + t.tokens.back() + "*' cannot be expressed";
      return "";
    }
    switch (t.kind) {
      case TermKind::kWord:
        if (t.tokens.size() == 1) return minus + t.tokens[0];
        return minus + Quote(t.tokens);
      case TermKind::kPhrase:
        return minus + Quote(t.tokens);
      case TermKind::kHashtag:
        return minus + "#" + t.tokens[0];
      case TermKind::kAccount:
        if (negated) return "-@" + t.tokens[0] + " -from:" + t.tokens[0];
        return "(@" + t.tokens[0] + " OR from:" + t.tokens[0] + ")";
    }
    return "";
  }

  //! `grouped`: the caller needs a single unit (inside AND or at the top with a language).
  std::string Node(int n, bool grouped) {
    const QueryNode& node = expr.nodes[static_cast<size_t>(n)];
    switch (node.op) {
      case QueryNode::Op::kTerm:
        return Term(expr.terms[static_cast<size_t>(node.term)], false);
      case QueryNode::Op::kNot: {
        const QueryNode& child = expr.nodes[static_cast<size_t>(node.children[0])];
        if (child.op == QueryNode::Op::kTerm)
          return Term(expr.terms[static_cast<size_t>(child.term)], true);
        if (child.op == QueryNode::Op::kOr) {  // NOT (a OR b) = -a -b
          std::string out;
          for (int c : child.children) {
            const QueryNode& leaf = expr.nodes[static_cast<size_t>(c)];
            if (leaf.op != QueryNode::Op::kTerm) {
              error = "X rules cannot negate a group other than an OR of terms";
              return "";
            }
            if (!out.empty()) out += ' ';
            out += Term(expr.terms[static_cast<size_t>(leaf.term)], true);
          }
          return out;
        }
        error = "X rules cannot negate a group other than an OR of terms";
        return "";
      }
      case QueryNode::Op::kAnd: {
        std::string out;
        for (int c : node.children) {
          if (!out.empty()) out += ' ';
          out += Node(c, true);
        }
        return out;
      }
      case QueryNode::Op::kOr: {
        std::string out;
        for (int c : node.children) {
          if (!out.empty()) out += " OR ";
          out += Node(c, false);
        }
        return grouped ? "(" + out + ")" : out;
      }
    }
    return "";
  }
};

}  // namespace

Result<std::string> CompileRule(const store::AgencyQuery& q) {
  auto expr = search::ParseAgencyQuery(q.expression);
  if (!expr.ok()) return InvalidArgument("the query does not parse: " + expr.status().message());
  std::string lang;
  for (const std::string& l : q.languages) {
    if (l != "id" && l != "en")
      return InvalidArgument("X's lang: operator cannot say the language '" + l + "'");
    lang += (lang.empty() ? "" : " OR ") + std::string("lang:") + l;
  }
  if (q.languages.size() > 1) lang = "(" + lang + ")";
  Compiler c{*expr, ""};
  std::string value = c.Node(expr->root, !lang.empty());
  if (!c.error.empty()) return InvalidArgument(c.error);
  if (!lang.empty()) value += " " + lang;
  return value;
}

CompiledRules CompileRules(const std::vector<store::AgencyQuery>& queries, Id agency_id,
                           const RuleLimits& limits) {
  std::vector<const store::AgencyQuery*> mine;
  for (const store::AgencyQuery& q : queries) {
    if (q.agency_id != agency_id || !q.active) continue;
    if (!q.platforms.empty() &&
        std::find(q.platforms.begin(), q.platforms.end(), Platform::kX) == q.platforms.end())
      continue;  // not watching X
    mine.push_back(&q);
  }
  std::sort(mine.begin(), mine.end(), [](auto* a, auto* b) { return a->id < b->id; });
  CompiledRules out;
  for (const store::AgencyQuery* q : mine) {
    auto value = CompileRule(*q);
    std::string reason;
    if (!value.ok()) {
      reason = value.status().message();
    } else if (value->size() > limits.max_length) {
      reason = "the rule would be " + std::to_string(value->size()) +
               " characters; the plan allows " + std::to_string(limits.max_length);
    } else if (out.rules.size() >= limits.max_rules) {
      reason = "over the plan's " + std::to_string(limits.max_rules) + " rules";
    }
    if (!reason.empty()) {
      out.unexpressible.push_back({q->id, q->name, reason});
      continue;
    }
    out.rules.push_back({*value, QueryTag(q->id)});
  }
  return out;
}

std::vector<StreamRule> FormRules(const std::vector<std::string>& values) {
  std::vector<StreamRule> out;
  for (size_t i = 0; i < values.size(); ++i)
    out.push_back({values[i], "humas:s" + std::to_string(i + 1)});
  return out;
}

std::string QueryTag(Id query_id) { return "humas:q" + std::to_string(query_id); }

std::optional<Id> QueryOfTag(std::string_view tag) {
  constexpr std::string_view kPrefix = "humas:q";
  if (tag.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view digits = tag.substr(kPrefix.size());
  if (digits.empty() || digits.size() > 18 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return std::stoll(std::string(digits));
}

RuleDiff DiffRules(const std::vector<HeldRule>& held, const std::vector<StreamRule>& wanted) {
  RuleDiff d;
  std::set<std::pair<std::string, std::string>> want, kept;
  for (const StreamRule& r : wanted) want.insert({r.value, r.tag});
  for (const HeldRule& h : held) {
    std::pair<std::string, std::string> key{h.value, h.tag};
    // A wanted rule held twice keeps one copy.
    if (want.count(key) && !kept.count(key)) {
      kept.insert(key);
    } else {
      d.delete_ids.push_back(h.id);
    }
  }
  for (const StreamRule& r : wanted)
    if (!kept.count({r.value, r.tag})) {
      d.add.push_back(r);
      kept.insert({r.value, r.tag});
    }
  return d;
}

}  // namespace humas::connectors::x
