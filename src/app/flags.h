// A small command-line flag parser: `--name value`, `--name=value`, `--switch`, positionals.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace humas::app {

struct Flags {
  std::map<std::string, std::string> values;
  std::vector<std::string> positional;

  std::optional<std::string> Get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  bool Has(const std::string& name) const { return values.count(name) > 0; }
};

//! Parses args (without the program and subcommand names). `with_value` lists flags that take a
//! value, `switches` those that do not. Anything else → InvalidArgument naming it.
Result<Flags> ParseFlags(const std::vector<std::string>& args,
                         const std::set<std::string>& with_value,
                         const std::set<std::string>& switches);

}  // namespace humas::app
