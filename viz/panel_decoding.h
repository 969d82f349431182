// Panel "decoding": the model writes text one token at a time with the KV cache (Shazeer 2019). It shows the text
// so far, the newest token's attention row for every head of one layer, and the cache as it grows (positions x
// layers, one block per key/value head: multi-query attention has one). It decodes on its own model built from a
// copy of the run's weights (Snapshot::weights), a few tokens per frame at most: the window never waits.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "heatmap.h"
#include "kv_cache.h"
#include "run_view.h"
#include "sampling.h"
#include "ui_context.h"

namespace noam::viz {

// ---- shared with the speculative panel
// the tokenizer's label of id; an id past it (the model's vocabulary may be larger) is "#id"
std::string token_label(const std::vector<std::string>& vocab, int id);
// a model holding a copy of the published weights; nullptr if its layout does not match them
std::unique_ptr<TransformerLM> model_from_weights(const ModelWeights& w);
// the prompt a decoding panel starts from: a task's question up to its first answer token (as the Samples
// panel), or 16 characters of text; at most max_T tokens
int decoding_prompt_length(const Snapshot& s, int max_T);

struct DecodingPanel {
    bool auto_advance = true;
    float tokens_per_second = 8;   // auto-advance speed: slow enough to read
    int layer = 0;                 // the layer whose attention rows are drawn
    bool sample = false;           // false: greedy; true: temperature 0.8

    void Draw(RunView& run, UiContext& ui);
    void release_gl() { rows_map.release(); }

private:
    std::shared_ptr<const ModelWeights> weights;     // the copy the model below holds
    std::unique_ptr<TransformerLM> model;            // built once per model config
    std::unique_ptr<KVCacheDecoder> dec;
    std::unique_ptr<Sampler> sampler;
    Rng rng{1};
    std::vector<int> tokens;       // the prompt then the written tokens (all in the cache but the last)
    int prompt_len = 0;
    const float* next_logits = nullptr;  // (V) the logits after the last token (the decoder's buffer)
    std::vector<std::string> vocab_labels, labels, head_names;
    std::vector<bool> is_prompt;
    std::vector<float> prob;       // p(token) the model gave each written token (0 for the prompt)
    uint64_t seen_run = ~0ull;
    int seen_generation = -1;
    std::vector<float> rows;       // (H, length) the newest token's attention in `layer`
    uint64_t rows_version = 0;
    double next_token_at = 0;
    double full_since = -1;        // when the cache filled (auto-advance restarts a moment later)
    Heatmap rows_map;

    void restart(const Snapshot& s, const std::vector<std::string>& vocab);
    bool advance();                // one token; false when the cache is full
    void update_rows();
};

}  // namespace noam::viz
