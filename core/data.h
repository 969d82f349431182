// Data: a character tokenizer, synthetic tasks with crisp attention patterns, and real text corpora.
// Every task is a next-token problem on sequences of seq_len + 1 tokens; targets of -1 are not scored
// (e.g. the input half of "reverse"), so accuracy measures only what the task asks for.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rng.h"

namespace noam {

// Maps each Unicode code point (UTF-8 in, UTF-8 out) to an id. build() numbers the distinct code points of a
// text in ascending code-point order, so the ids do not depend on the order of the text.
struct CharTokenizer {
    std::vector<uint32_t> id_to_cp;  // id -> code point
    void build(const std::string& utf8_text);                 // all distinct code points of the text
    void build_from_symbols(const std::string& utf8_symbols);  // exactly these, in this order
    int size() const { return (int)id_to_cp.size(); }
    int id(uint32_t code_point) const;                   // -1 if unknown
    std::vector<int> encode(const std::string& utf8) const;  // throws std::invalid_argument on unknown chars
    std::string decode(const std::vector<int>& ids) const;
    std::string token_text(int id) const;  // printable label: "\n" -> "⏎", " " -> "␣"
};

// One batch: B sequences of T input tokens and T targets (-1 = not scored).
struct Batch {
    int B = 0, T = 0;
    std::vector<int> tokens;   // (B,T)
    std::vector<int> targets;  // (B,T)
    void resize(int b, int t) { B = b; T = t; tokens.assign((size_t)b * t, 0); targets.assign((size_t)b * t, -1); }
};

struct DataConfig {
    std::string task = "reverse";  // copy | reverse | sort | recall | induction | text | random
    std::string corpus;            // for text: "literature" | "tang300" | a file path
    int digits = 10;               // alphabet size of the synthetic tasks (2..36: 0-9 then a-z)
    int seq_len = 64;              // T, the model's context
    float val_fraction = 0.1f;     // text: the last part of the corpus is held out for validation
};

// A dataset draws training batches from an Rng it is handed (so the data order is part of the run's seed)
// and holds a fixed validation set and a fixed watched example.
struct Dataset {
    virtual ~Dataset() = default;
    virtual std::string name() const = 0;
    virtual const CharTokenizer& tokenizer() const = 0;
    virtual void sample(Rng& rng, Batch& batch) const = 0;             // training batch of batch.B sequences
    virtual const std::vector<Batch>& validation() const = 0;          // fixed, same every run
    virtual const Batch& watched() const = 0;                          // B = 1: the example the pictures show
    virtual bool scores_all_positions() const = 0;                     // text LM: true; tasks: only answers
    virtual std::string describe() const = 0;                          // one line for the UI
};

// Builds the dataset for a config; throws std::invalid_argument with a one-line reason
// (unknown task, unreadable/empty/binary corpus, seq_len too short for the task ...).
std::unique_ptr<Dataset> make_dataset(const DataConfig& cfg, int batch_size, int val_batches);

// Reads a text corpus: a known name ("literature", "tang300") or a path. Strips terminal colour codes and
// fortune-file separators. Throws std::invalid_argument naming the file and the problem.
std::string load_corpus(const std::string& name_or_path);

// Unigram entropy of the corpus' characters in nats: the loss of a model that ignores context.
double unigram_entropy_nats(const std::vector<int>& ids, int vocab);

}  // namespace noam
