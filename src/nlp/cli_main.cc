// humas_nlp_cli: a stand-alone driver for the language engine's commands until the app wires
// them into `humas` (usage: humas_nlp_cli train|eval|classify|explain|bench ...).
#include <cstring>
#include <iostream>

#include "nlp/cli.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: humas_nlp_cli train|eval|classify|explain|bench [options]\n";
    return 2;
  }
  const char* sub = argv[1];
  if (std::strcmp(sub, "train") == 0) return humas::nlp::TrainMain(argc - 1, argv + 1);
  if (std::strcmp(sub, "eval") == 0) return humas::nlp::EvalMain(argc - 1, argv + 1);
  if (std::strcmp(sub, "classify") == 0) return humas::nlp::ClassifyMain(argc - 1, argv + 1);
  if (std::strcmp(sub, "explain") == 0) return humas::nlp::ExplainMain(argc - 1, argv + 1);
  if (std::strcmp(sub, "bench") == 0) return humas::nlp::BenchMain(argc - 1, argv + 1);
  std::cerr << "unknown command " << sub << "\n";
  return 2;
}
