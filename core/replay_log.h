// The replay log of a run: pictures of the watched example kept every K steps (attention, predictions and, for
// MoE runs, the routing and expert load), thinned so that a long run keeps a bounded number, and a fingerprint
// of every step's training batch. The window's scrubber moves through it; run files store it (format version 2).
// No GUI code here.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snapshot.h"

namespace noam {

struct Batch;

// The watched example at one step: what the attention and expert panels draw.
struct ReplayFrame {
    int step = 0;
    int n_layers = 0, n_heads = 0, T = 0;
    std::vector<float> attention;        // (L,H,T,T) as Snapshot::attention
    std::vector<float> target_prob;      // (T,) the model's probability of each target (0 where not scored)
    std::vector<int> predicted;          // (T,) argmax
    std::vector<MoeRouting> moe_watched; // per MoE layer: the watched example's routing (empty: dense)
    std::vector<MoeStats> moe_step;      // per MoE layer: the expert load of the training step that ended here
    size_t bytes() const;                // the memory it holds
};

// The watched-example fields of a snapshot taken at s.step.
ReplayFrame replay_frame_from(const Snapshot& s);
// A copy of live with the frame's pictures in place of its own, marked as a replay (Snapshot::replay_step).
std::shared_ptr<const Snapshot> replay_snapshot(const Snapshot& live, const ReplayFrame& f, int kept_every);

// Frames at the steps that are multiples of `every` (step 0 included). When a frame more than max_kept would be
// kept, `every` doubles and the frames off the new grid go: a run of any length keeps between max_kept / 2 and
// max_kept frames, evenly spaced. Memory: at most max_kept frames of ReplayFrame::bytes() each (a lesson model,
// 2 layers x 4 heads x 32 tokens: 33 KB a frame, 6.6 MB at 200).
struct ReplayLog {
    static constexpr int kDefaultMaxKept = 200;
    int max_kept = kDefaultMaxKept;
    int every = 1;                                        // K: the spacing of the kept frames, a power of two
    std::vector<std::shared_ptr<const ReplayFrame>> frames;  // by step, ascending; shared with the window
    // Which batch each step trained on: FNV-1a of its tokens and targets (batch_fingerprint), for the steps
    // first_hashed_step .. first_hashed_step + batch_hash.size() - 1 (a run loaded from a file without a replay
    // section starts where it was loaded).
    int first_hashed_step = 1;
    std::vector<uint32_t> batch_hash;

    bool due(int step) const { return step % every == 0 && (frames.empty() || frames.back()->step < step); }
    // Keeps f (f.step must be due), then thins when over max_kept.
    void keep(std::shared_ptr<const ReplayFrame> f);
    void record_batch(int step, uint32_t hash);  // step's batch fingerprint (steps in order)
    int nearest(int step) const;  // nearest_frame(frames, step)
    void clear() {
        const int keep_bound = max_kept;
        *this = ReplayLog{};
        max_kept = keep_bound;
    }
    size_t bytes() const;
};

// The index of the frame nearest step in frames (by step, ascending; ties: the earlier one); -1 when empty.
int nearest_frame(const std::vector<std::shared_ptr<const ReplayFrame>>& frames, int step);

// FNV-1a (32-bit) over the batch's tokens then its targets, as little-endian int32s.
uint32_t batch_fingerprint(const Batch& b);

// ---- the replay section of a run file (docs/run_format.md, version 2): a header object and raw arrays
struct ReplayArray {
    std::string name;      // "replay.attention" ...
    const char* type;      // "float32" | "int32"
    std::vector<uint32_t> words;  // the raw 4-byte elements
};
// The header object ("replay") and the arrays of a non-empty log.
nlohmann::json encode_replay(const ReplayLog& log, std::vector<ReplayArray>& arrays);
// The log from the header object and the file's replay.* arrays (name -> type, elements); where/at name the file
// and the header path in messages. Throws ConfigError on anything that does not fit.
struct ReplayArrayView {
    std::string name, type;
    const char* data;  // count * 4 bytes
    size_t count;
};
ReplayLog decode_replay(const nlohmann::json& header, const std::vector<ReplayArrayView>& arrays, const std::string& where,
                        const std::string& at);

}  // namespace noam
