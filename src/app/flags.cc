// Command-line flag parsing with clear errors.
#include "app/flags.h"

namespace humas::app {

Result<Flags> ParseFlags(const std::vector<std::string>& args,
                         const std::set<std::string>& with_value,
                         const std::set<std::string>& switches) {
  Flags f;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      bool inline_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inline_value = true;
      }
      if (switches.count(name)) {
        if (inline_value) return InvalidArgument("--" + name + " takes no value");
        f.values[name] = "true";
      } else if (with_value.count(name)) {
        if (!inline_value) {
          if (i + 1 >= args.size()) return InvalidArgument("--" + name + " needs a value");
          value = args[++i];
        }
        f.values[name] = value;
      } else {
        return InvalidArgument("unknown option --" + name + " (see humas help)");
      }
    } else {
      f.positional.push_back(a);
    }
  }
  return f;
}

}  // namespace humas::app
