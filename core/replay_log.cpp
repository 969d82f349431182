// The replay log: keeping and thinning frames, batch fingerprints, and the replay section of a run file.
// Sections: frames | the log | the run-file section (encode, decode).
#include "replay_log.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "data.h"
#include "json_reader.h"

namespace noam {

// ==== frames ====

size_t ReplayFrame::bytes() const {
    size_t n = sizeof(ReplayFrame) + attention.size() * 4 + target_prob.size() * 4 + predicted.size() * 4;
    for (const MoeRouting& r : moe_watched)
        n += sizeof r + r.probs.size() * 4 + r.expert.size() * 4 + r.gate.size() * 4 + r.processed.size() + r.dropped.size();
    for (const MoeStats& st : moe_step) n += sizeof st + (size_t)st.experts * (5 * 4 + 4);
    return n;
}

ReplayFrame replay_frame_from(const Snapshot& s) {
    ReplayFrame f;
    f.step = s.step;
    f.n_layers = s.n_layers;
    f.n_heads = s.n_heads;
    f.T = s.T;
    f.attention = s.attention;
    f.target_prob = s.target_prob;
    f.predicted = s.predicted;
    f.moe_watched = s.moe_watched;
    f.moe_step = s.moe_step;
    return f;
}

std::shared_ptr<const Snapshot> replay_snapshot(const Snapshot& live, const ReplayFrame& f, int kept_every) {
    auto s = std::make_shared<Snapshot>(live);
    s->replay_step = f.step;
    s->replay_every = kept_every;
    if (f.n_layers == live.n_layers && f.n_heads == live.n_heads && f.T == live.T) {
        s->attention = f.attention;
        s->target_prob = f.target_prob;
        s->predicted = f.predicted;
    }
    if (f.moe_watched.size() == live.moe_watched.size()) s->moe_watched = f.moe_watched;
    if (f.moe_step.size() == live.moe_step.size()) s->moe_step = f.moe_step;
    return s;
}

// ==== the log ====

void ReplayLog::keep(std::shared_ptr<const ReplayFrame> f) {
    frames.push_back(std::move(f));
    // over the bound: every frame at an odd multiple of K goes and K doubles (the kept steps stay multiples of K)
    while ((int)frames.size() > max_kept) {
        every *= 2;
        std::erase_if(frames, [this](const std::shared_ptr<const ReplayFrame>& x) { return x->step % every != 0; });
    }
}

void ReplayLog::record_batch(int step, uint32_t hash) {
    if (batch_hash.empty()) first_hashed_step = step;
    if (step != first_hashed_step + (int)batch_hash.size()) {  // a gap (never in order): restart from here
        batch_hash.clear();
        first_hashed_step = step;
    }
    batch_hash.push_back(hash);
}

int ReplayLog::nearest(int step) const { return nearest_frame(frames, step); }

int nearest_frame(const std::vector<std::shared_ptr<const ReplayFrame>>& frames, int step) {
    if (frames.empty()) return -1;
    // the first frame at or after step, then whichever of it and the one before is closer
    auto it = std::lower_bound(frames.begin(), frames.end(), step,
                               [](const std::shared_ptr<const ReplayFrame>& f, int s) { return f->step < s; });
    if (it == frames.end()) return (int)frames.size() - 1;
    const int i = (int)(it - frames.begin());
    if (i > 0 && step - frames[i - 1]->step <= frames[i]->step - step) return i - 1;
    return i;
}

size_t ReplayLog::bytes() const {
    size_t n = batch_hash.size() * 4;
    for (const auto& f : frames) n += f->bytes();
    return n;
}

uint32_t batch_fingerprint(const Batch& b) {
    // FNV-1a: h = (h ^ byte) * 16777619, from 2166136261
    uint32_t h = 2166136261u;
    auto mix = [&h](const std::vector<int>& v) {
        for (int x : v) {
            const auto u = (uint32_t)x;
            for (int k = 0; k < 4; k++) h = (h ^ ((u >> (8 * k)) & 0xFF)) * 16777619u;
        }
    };
    mix(b.tokens);
    mix(b.targets);
    return h;
}

// ==== the run-file section ====
//
// Per frame f (F frames), per MoE layer m (M layers, E experts, K routes each), in this order:
//   replay.step         int32   (F)                 the frame's step
//   replay.attention    float32 (F,L,H,T,T)
//   replay.target_prob  float32 (F,T)
//   replay.predicted    int32   (F,T)
//   replay.moe.probs    float32 (F,M,T,E)           [MoE only, the five moe arrays]
//   replay.moe.routes   int32   (F,M,T,K,2)         expert, flags (1: processed, 2: dropped)
//   replay.moe.gate     float32 (F,M,T,K)
//   replay.moe.load_int int32   (F,M,5+5E)          present, experts, tokens, tokens_dropped, tokens_without_expert,
//                                                   routed_first, routed_second, kept, dropped, capacity (E each)
//   replay.moe.load     float32 (F,M,10+E)          dropped_fraction, load_cv, entropy, logit_lse_mean,
//                                                   logit_lse_max, balance, importance, load, z, aux, mean_prob (E)
//   replay.batch_hash   int32   (S)                 batch_fingerprint of steps first_hashed_step ...

namespace {

struct Packer {
    ReplayArray& a;
    void f(float x) { a.words.push_back(std::bit_cast<uint32_t>(x)); }
    void i(int x) { a.words.push_back((uint32_t)x); }
    void fs(const std::vector<float>& v) { for (float x : v) f(x); }
    void is(const std::vector<int>& v) { for (int x : v) i(x); }
};

struct Unpacker {
    const char* p;
    size_t left;
    uint32_t word() {  // the decoder has checked every count: never past the end
        uint32_t w;
        std::memcpy(&w, p, 4);
        p += 4;
        left--;
        return w;
    }
    float f() { return std::bit_cast<float>(word()); }
    int i() { return (int)word(); }
    void fs(std::vector<float>& v, size_t n) { v.resize(n); for (float& x : v) x = f(); }
    void is(std::vector<int>& v, size_t n) { v.resize(n); for (int& x : v) x = i(); }
};

constexpr int kLoadInts = 5, kLoadFloats = 10;  // the scalars of MoeStats before its per-expert arrays

}  // namespace

nlohmann::json encode_replay(const ReplayLog& log, std::vector<ReplayArray>& arrays) {
    const ReplayFrame& first = *log.frames.front();
    const int L = first.n_layers, H = first.n_heads, T = first.T;
    const int M = (int)first.moe_watched.size();
    const int E = M ? first.moe_watched[0].E : 0, K = M ? first.moe_watched[0].K : 0;
    nlohmann::json h = {{"every", log.every}, {"max_kept", log.max_kept}, {"frames", log.frames.size()},
                        {"layers", L}, {"heads", H}, {"T", T}, {"moe_layers", nlohmann::json::array()},
                        {"experts", E}, {"routes", K}, {"first_hashed_step", log.first_hashed_step},
                        {"hashed_steps", log.batch_hash.size()}};
    for (const MoeRouting& r : first.moe_watched) h["moe_layers"].push_back(r.layer);
    arrays.reserve(arrays.size() + 10);  // every array below: the Packers hold references into the vector
    auto array = [&arrays](const char* name, const char* type) -> ReplayArray& {
        arrays.push_back({name, type, {}});
        return arrays.back();
    };
    Packer step{array("replay.step", "int32")}, attn{array("replay.attention", "float32")},
        prob{array("replay.target_prob", "float32")}, pred{array("replay.predicted", "int32")};
    for (const auto& f : log.frames) {
        step.i(f->step);
        attn.fs(f->attention);
        prob.fs(f->target_prob);
        pred.is(f->predicted);
    }
    if (M > 0) {
        Packer probs{array("replay.moe.probs", "float32")}, routes{array("replay.moe.routes", "int32")},
            gate{array("replay.moe.gate", "float32")}, li{array("replay.moe.load_int", "int32")},
            lf{array("replay.moe.load", "float32")};
        for (const auto& f : log.frames)
            for (int m = 0; m < M; m++) {
                const MoeRouting& r = f->moe_watched[m];
                probs.fs(r.probs);
                for (size_t k = 0; k < r.expert.size(); k++) {
                    routes.i(r.expert[k]);
                    routes.i((r.processed[k] ? 1 : 0) | (r.dropped[k] ? 2 : 0));
                }
                gate.fs(r.gate);
                // the load of the step's training batch: absent (zeros) before the first step
                const bool present = m < (int)f->moe_step.size() && f->moe_step[m].experts == E &&
                                     (int)f->moe_step[m].routed_first.size() == E;
                const MoeStats st = present ? f->moe_step[m] : MoeStats{};
                li.i(present);
                li.i(st.experts);
                li.i(st.tokens);
                li.i(st.tokens_dropped);
                li.i(st.tokens_without_expert);
                for (const std::vector<int>* v : {&st.routed_first, &st.routed_second, &st.kept, &st.dropped, &st.capacity})
                    for (int e = 0; e < E; e++) li.i(present ? (*v)[e] : 0);
                for (double x : {(double)st.dropped_fraction, (double)st.load_cv, (double)st.entropy, (double)st.logit_lse_mean,
                                 (double)st.logit_lse_max, st.balance, st.importance, st.load, st.z, st.aux})
                    lf.f((float)x);
                for (int e = 0; e < E; e++) lf.f(present ? st.mean_prob[e] : 0.0f);
            }
    }
    Packer hash{array("replay.batch_hash", "int32")};
    for (uint32_t x : log.batch_hash) hash.i((int)x);
    return h;
}

// a * b, or fail when it passes 2^40 (no array of a run file is longer)
static size_t product(std::initializer_list<size_t> xs, const std::string& where, const std::string& at) {
    size_t p = 1;
    for (size_t x : xs) {
        if (x != 0 && p > (size_t(1) << 40) / x) config_fail(where, at, "the replay section's sizes are too large");
        p *= x;
    }
    return p;
}

ReplayLog decode_replay(const nlohmann::json& header, const std::vector<ReplayArrayView>& arrays, const std::string& where,
                        const std::string& at) {
    ObjectReader r(header, where, at);
    ReplayLog log;
    log.every = r.require_int("every", 1, 1 << 30);
    log.max_kept = r.get_int("max_kept", ReplayLog::kDefaultMaxKept, 2, 1 << 20);
    const size_t F = (size_t)r.require_int("frames", 0, 1 << 20);
    const int L = r.require_int("layers", 1, 1 << 10), H = r.require_int("heads", 1, 1 << 10), T = r.require_int("T", 1, 1 << 16);
    const int E = r.get_int("experts", 0, 0, 1 << 16), K = r.get_int("routes", 0, 0, 1 << 16);
    std::vector<int> moe_layers;
    if (const nlohmann::json* ml = r.child("moe_layers")) {
        if (!ml->is_array()) r.fail("moe_layers", "expected an array of block indices");
        for (const auto& x : *ml) {
            if (!x.is_number_integer() || x.get<int64_t>() < 0 || x.get<int64_t>() >= L)
                r.fail("moe_layers", "expected block indices below layers (" + std::to_string(L) + ")");
            moe_layers.push_back(x.get<int>());
        }
    }
    const size_t M = moe_layers.size();
    if (M > 0 && (E < 1 || K < 1)) r.fail("experts", "an MoE replay needs experts and routes of at least 1");
    log.first_hashed_step = r.get_int("first_hashed_step", 1, 0, 1 << 30);
    const size_t S = (size_t)r.get_int("hashed_steps", 0, 0, 1 << 30);

    // every array the header implies, with its type and length
    struct Want {
        const char* name;
        const char* type;
        size_t count;
        const ReplayArrayView* got = nullptr;
    };
    std::vector<Want> want = {
        {"replay.step", "int32", F},
        {"replay.attention", "float32", product({F, (size_t)L, (size_t)H, (size_t)T, (size_t)T}, where, at)},
        {"replay.target_prob", "float32", product({F, (size_t)T}, where, at)},
        {"replay.predicted", "int32", product({F, (size_t)T}, where, at)},
        {"replay.batch_hash", "int32", S},
    };
    if (M > 0) {
        want.push_back({"replay.moe.probs", "float32", product({F, M, (size_t)T, (size_t)E}, where, at)});
        want.push_back({"replay.moe.routes", "int32", product({F, M, (size_t)T, (size_t)K, 2}, where, at)});
        want.push_back({"replay.moe.gate", "float32", product({F, M, (size_t)T, (size_t)K}, where, at)});
        want.push_back({"replay.moe.load_int", "int32", product({F, M, (size_t)(kLoadInts + 5 * E)}, where, at)});
        want.push_back({"replay.moe.load", "float32", product({F, M, (size_t)(kLoadFloats + E)}, where, at)});
    }
    for (const ReplayArrayView& a : arrays) {
        auto w = std::find_if(want.begin(), want.end(), [&](const Want& x) { return a.name == x.name; });
        if (w == want.end()) continue;  // a replay array this version does not know: written by a newer noamlab
        if (a.type != w->type) config_fail(where, at, a.name + " must be " + w->type);
        if (a.count != w->count)
            config_fail(where, at, a.name + " has " + std::to_string(a.count) + " elements, the replay header says " +
                                       std::to_string(w->count));
        w->got = &a;
    }
    for (const Want& w : want)
        if (!w.got) config_fail(where, at, std::string("no \"") + w.name + "\" array");
    auto reader = [&want](const char* name) {
        const ReplayArrayView* a = std::find_if(want.begin(), want.end(), [&](const Want& x) { return std::strcmp(x.name, name) == 0; })->got;
        return Unpacker{a->data, a->count};
    };

    Unpacker step = reader("replay.step"), attn = reader("replay.attention"), prob = reader("replay.target_prob"),
             pred = reader("replay.predicted");
    Unpacker probs{nullptr, 0}, routes{nullptr, 0}, gate{nullptr, 0}, li{nullptr, 0}, lf{nullptr, 0};
    if (M > 0) {
        probs = reader("replay.moe.probs");
        routes = reader("replay.moe.routes");
        gate = reader("replay.moe.gate");
        li = reader("replay.moe.load_int");
        lf = reader("replay.moe.load");
    }
    int prev_step = -1;
    for (size_t fi = 0; fi < F; fi++) {
        auto f = std::make_shared<ReplayFrame>();
        f->step = step.i();
        if (f->step <= prev_step || f->step % log.every != 0)
            config_fail(where, at, "replay.step: frame " + std::to_string(fi) + " is at step " + std::to_string(f->step) +
                                       " (expected ascending multiples of every = " + std::to_string(log.every) + ")");
        prev_step = f->step;
        f->n_layers = L;
        f->n_heads = H;
        f->T = T;
        attn.fs(f->attention, (size_t)L * H * T * T);
        prob.fs(f->target_prob, T);
        pred.is(f->predicted, T);
        for (size_t m = 0; m < M; m++) {
            MoeRouting rt;
            rt.layer = moe_layers[m];
            rt.T = T;
            rt.E = E;
            rt.K = K;
            probs.fs(rt.probs, (size_t)T * E);
            for (size_t k = 0; k < (size_t)T * K; k++) {
                rt.expert.push_back(routes.i());
                const int flags = routes.i();
                rt.processed.push_back((flags & 1) != 0);
                rt.dropped.push_back((flags & 2) != 0);
            }
            gate.fs(rt.gate, (size_t)T * K);
            f->moe_watched.push_back(std::move(rt));
            MoeStats st;
            const bool present = li.i() != 0;
            st.experts = li.i();
            st.tokens = li.i();
            st.tokens_dropped = li.i();
            st.tokens_without_expert = li.i();
            for (std::vector<int>* v : {&st.routed_first, &st.routed_second, &st.kept, &st.dropped, &st.capacity}) li.is(*v, E);
            st.dropped_fraction = lf.f();
            st.load_cv = lf.f();
            st.entropy = lf.f();
            st.logit_lse_mean = lf.f();
            st.logit_lse_max = lf.f();
            st.balance = lf.f();
            st.importance = lf.f();
            st.load = lf.f();
            st.z = lf.f();
            st.aux = lf.f();
            lf.fs(st.mean_prob, E);
            if (present) f->moe_step.push_back(std::move(st));
        }
        if (!f->moe_step.empty() && f->moe_step.size() != M)
            config_fail(where, at, "replay.moe.load_int: frame " + std::to_string(fi) + " has the load of some MoE layers only");
        log.frames.push_back(std::move(f));
    }
    Unpacker hash = reader("replay.batch_hash");
    for (size_t i = 0; i < S; i++) log.batch_hash.push_back((uint32_t)hash.i());
    return log;
}

}  // namespace noam
