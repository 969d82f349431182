// Panel "decode_cost": what one decoded token costs for multi-head, grouped-query and multi-query attention
// (Shazeer 2019; Ainslie et al. 2023) of the current model at a chosen context length: bytes read per token
// (K/V cache against weights, from the decoder's DecodeCounts) and microseconds per token measured live, with the
// KV cache and without it (the full forward over the context again). The three models are built with the run's
// settings but n_kv_heads H, H/2 and 1 and random weights (the time does not depend on the values); each frame
// times a few tokens of one of them (less often when that takes long: at most a fifth of the wall time), so the
// window never waits.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kv_cache.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct DecodeCostPanel {
    int context = 0;   // keys the timed token attends to (0: the model's seq_len)

    struct Variant {
        std::string label;                        // "MHA (4 K/V heads)" ...
        int kv_heads = 0;
        std::unique_ptr<TransformerLM> model;
        std::unique_ptr<KVCacheDecoder> dec;
        double kv_bytes = 0, weight_bytes = 0;    // one cached token at `context`, from DecodeCounts
        double flops_cached = 0, flops_uncached = 0;
        std::vector<double> cached_us, uncached_us;  // the latest timings (ring of kSamples)
        int next_sample = 0;
    };
    static constexpr int kSamples = 15;

    void Draw(RunView& run, UiContext& ui);

private:
    std::vector<Variant> variants;
    std::vector<int> tokens;       // (seq_len) random token ids, the same for every variant
    uint64_t seen_run = ~0ull;
    int seen_generation = -1;
    int built_context = -1;
    size_t turn = 0;               // the variant timed next
    double next_measure_at = 0;    // ui.now of the next timing
    std::string error;

    void build(const ModelConfig& cfg);
    void prepare();                // every variant's cache filled to context - 1, the byte counts of one token
    void measure(Variant& v);      // one cached and one uncached timing
};

}  // namespace noam::viz
