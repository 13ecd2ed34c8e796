// Command-line entry points of the language engine. The app wires them as `humas train`,
// `humas eval`, `humas classify` (and `explain`, `bench`); argv[0] is the subcommand name.
// Each returns a process exit code: 0 success, 1 runtime failure, 2 bad usage.
#pragma once

namespace humas::nlp {

//! humas train --task TASK --data FILE --out MODEL [--init MODEL] [--check FILE]
//!             [--card FILE] [--version V] [tuning flags; see --help]
//! Trains with k-fold cross-validation (scores and calibration on the folds), then on all data;
//! prints the cross-validation report and writes the model with its model card.
int TrainMain(int argc, char** argv);

//! humas eval --task TASK [--model MODEL] --data FILE
//! Prints per-class precision/recall/F1, the confusion matrix and, as the last line,
//! "accuracy=0.xxxx macro_f1=0.xxxx n=N". Without --model, uses the shipped model of TASK.
int EvalMain(int argc, char** argv);

//! humas classify [--model MODEL | --task TASK] [--tokens]
//! Reads one text per line on stdin; writes one JSON object per line:
//! {"label":...,"confidence":...,"probabilities":{label:p,...}} (+ "tokens" with --tokens).
//! humas classify --all [--models-dir DIR]: the full pipeline, every label per line:
//! {"label","confidence" (sentiment), "sentiment":{...}, "kind":{...}, "hoax_score",
//!  ["hoax_claim", "hoax_source"], "personal_data":[kinds]}.
int ClassifyMain(int argc, char** argv);

//! humas explain: reads one text per line on stdin; prints each normalisation step.
int ExplainMain(int argc, char** argv);

//! humas bench --data FILE [--model MODEL] [--repeat N]: single-thread prediction throughput
//! (texts/s, full pipeline: normalise + features + classify), load time and model memory.
int BenchMain(int argc, char** argv);

}  // namespace humas::nlp
