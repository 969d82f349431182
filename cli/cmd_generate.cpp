// noamlab generate: text from a model, with the KV cache or without, optionally by speculative decoding with a
// draft model; --stats prints what each token cost (time, bytes of K/V and of weights read, FLOPs).
#include <chrono>
#include <cstdio>
#include <memory>

#include "args.h"
#include "commands.h"
#include "generate.h"
#include "speculative.h"
#include "trainer.h"

namespace noam::cli {

static const char* kHelp =
    "usage: noamlab generate CONFIG.json --tokens N [--prompt TEXT] [--sampling KIND] [--temperature T]\n"
    "                        [--top-k K] [--top-p P] [--seed S] [--train-steps N] [--threads N] [--no-cache]\n"
    "                        [--stats] [--draft DRAFT.json [--gamma G] [--draft-train-steps N]]\n"
    "\n"
    "Trains the model CONFIG describes (there are no checkpoints yet), then appends N tokens to the prompt and\n"
    "prints the text on stdout.\n"
    "  --tokens N            tokens to generate (required)\n"
    "  --prompt TEXT         the start (default: the first token of the data's watched example); every character\n"
    "                        must be in the data's vocabulary\n"
    "  --sampling KIND       greedy (default), temperature, top_k or top_p\n"
    "  --temperature T       divides the logits (temperature, top_k, top_p; default 1)\n"
    "  --top-k K             top_k: keep the K most probable tokens (default 40)\n"
    "  --top-p P             top_p: keep the fewest most probable tokens whose probability reaches P, 0 < P <= 1\n"
    "                        (default 0.9)\n"
    "  --seed S              seed of the sampling (default 1); training uses the config's train.seed\n"
    "  --train-steps N       training steps before generating (default: the config's train.steps)\n"
    "  --threads N           OpenMP threads for training (decoding runs on one)\n"
    "  --no-cache            the full forward over the whole context for every token, instead of the KV cache\n"
    "  --stats               on stderr: microseconds per token, and per token the bytes of K/V and of weights\n"
    "                        read, the FLOPs, and their ratio (Shazeer 2019's memory-to-arithmetic ratio)\n"
    "  --draft DRAFT.json    speculative decoding: a smaller model trained on the same data proposes tokens that\n"
    "                        CONFIG's model (the target) verifies; the text follows the target's distribution.\n"
    "                        With --stats also the acceptance rate and the speed-up over the target alone\n"
    "  --gamma G             --draft: tokens proposed per round (default 4)\n"
    "  --draft-train-steps N --draft: training steps of the draft (default: its config's train.steps)\n"
    "When the context reaches the model's seq_len, it continues from the last seq_len / 2 tokens.\n";

using Clock = std::chrono::steady_clock;

// Where a model comes from. Today: a config, trained for train_steps (-1: the config's steps). A checkpoint path
// belongs here once checkpoints exist; the rest of the command only sees the trained Trainer.
struct ModelSource {
    std::string config_path;
    int train_steps = -1;
    int threads = 0;
};

// The model as the source describes it, untrained (a bad config fails here, before any training).
static std::unique_ptr<Trainer> build_model(const ModelSource& src) {
    RunConfig cfg = load_run_config(src.config_path);
    if (src.train_steps >= 0) cfg.train.steps = src.train_steps;
    if (src.threads > 0) cfg.train.threads = src.threads;
    return std::make_unique<Trainer>(cfg);
}

static void train_model(Trainer& tr, const ModelSource& src, const char* role) {
    const auto t0 = Clock::now();
    while (!tr.finished())
        if (!tr.step()) throw std::runtime_error(std::string(role) + " " + src.config_path + ": " + tr.error);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const EvalResult val = tr.evaluate();
    std::fprintf(stderr, "noamlab generate: %s %s: %zu parameters, %d training steps in %.1f s, val loss %.4f\n", role,
                 src.config_path.c_str(), tr.model->num_params(), tr.step_count, secs, val.loss);
}

static double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// what one generated token cost (seconds < 0: not timed on its own)
static void print_counts(const char* what, const DecodeCounts& c, long long tokens, double seconds) {
    const double n = (double)std::max(1LL, tokens);
    if (seconds >= 0)
        std::fprintf(stderr, "%s: %lld tokens, %.1f us/token\n", what, tokens, seconds * 1e6 / n);
    else
        std::fprintf(stderr, "%s, per generated token:\n", what);
    if (c.tokens == 0) return;
    const double bytes = c.kv_bytes + c.conv_bytes + c.weight_bytes;
    std::fprintf(stderr, "  per token: K/V read %.0f bytes, weights read %.0f bytes, %.0f FLOPs\n", c.kv_bytes / n,
                 c.weight_bytes / n, c.flops / n);
    if (c.conv_bytes > 0) std::fprintf(stderr, "  per token: dconv history read %.0f bytes\n", c.conv_bytes / n);
    std::fprintf(stderr, "  memory / arithmetic: %.3f bytes per FLOP (K/V alone %.3f)\n", bytes / c.flops,
                 c.kv_bytes / c.flops);
}

int cmd_generate(const std::vector<std::string>& argv) {
    Args a = parse_args("generate", argv,
                        {"--tokens", "--prompt", "--sampling", "--temperature", "--top-k", "--top-p", "--seed",
                         "--train-steps", "--threads", "--draft", "--gamma", "--draft-train-steps"},
                        {"--no-cache", "--stats"});
    if (a.has("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (a.positional.size() != 1) throw UsageError("expected one CONFIG.json (see noamlab generate --help)");
    if (!a.has("--tokens")) throw UsageError("--tokens N is required (see noamlab generate --help)");
    const int n = (int)a.get_int("--tokens", 0, 1, 1 << 20);

    // sampling flags, and the combinations that mean nothing
    SamplingConfig sc;
    const std::string kind = a.get("--sampling", "greedy");
    if (!parse_sampling_kind(kind, sc.kind))
        throw UsageError("--sampling expects greedy, temperature, top_k or top_p, got '" + kind + "'");
    if (a.has("--temperature") && sc.kind == SamplingKind::Greedy)
        throw UsageError("--temperature has no effect with greedy sampling (add --sampling temperature, top_k or top_p)");
    if (a.has("--top-k") && sc.kind != SamplingKind::TopK) throw UsageError("--top-k needs --sampling top_k");
    if (a.has("--top-p") && sc.kind != SamplingKind::TopP) throw UsageError("--top-p needs --sampling top_p");
    sc.temperature = (float)a.get_number("--temperature", 1.0, 1e-3, 1e3);
    sc.top_k = (int)a.get_int("--top-k", sc.top_k, 1, 1 << 20);
    sc.top_p = (float)a.get_number("--top-p", sc.top_p, 1e-6, 1.0);
    const bool speculative = a.has("--draft");
    if (!speculative && a.has("--gamma")) throw UsageError("--gamma needs --draft DRAFT.json (speculative decoding)");
    if (!speculative && a.has("--draft-train-steps")) throw UsageError("--draft-train-steps needs --draft DRAFT.json");
    const bool use_cache = !a.has("--no-cache");
    if (speculative && !use_cache)
        throw UsageError("--draft (speculative decoding) verifies with the KV cache: drop --no-cache");
    const int gamma = (int)a.get_int("--gamma", 4, 1, 64);
    const bool stats = a.has("--stats");
    Rng rng((uint64_t)a.get_int("--seed", 1, 0, 1L << 53));
    const int threads = (int)a.get_int("--threads", 0, 1, 256);

    // build both models and check everything that can be wrong before the training starts
    const ModelSource target_src{a.positional[0], (int)a.get_int("--train-steps", -1, 0, 1 << 30), threads};
    const ModelSource draft_src{a.get("--draft", ""), (int)a.get_int("--draft-train-steps", -1, 0, 1 << 30), threads};
    auto target = build_model(target_src);
    const CharTokenizer& tok = target->data->tokenizer();
    if (use_cache && !target->cfg.model.causal)
        throw UsageError(target_src.config_path + ": decoding needs a causal model (model.causal is false: every "
                         "position would change with each new token, so there is nothing to cache); use --no-cache");
    std::unique_ptr<Trainer> draft;
    if (speculative) {
        draft = build_model(draft_src);
        if (draft->data->tokenizer().id_to_cp != tok.id_to_cp)
            throw UsageError("the draft's data has another vocabulary than the target's: train both on the same data");
        if (!draft->cfg.model.causal)
            throw UsageError(draft_src.config_path + ": the draft needs a causal model (model.causal is false)");
    }
    std::vector<int> tokens;
    if (a.has("--prompt")) {
        try {
            tokens = tok.encode(a.get("--prompt", ""));
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--prompt: ") + e.what());
        }
        if (tokens.empty()) throw UsageError("--prompt is empty: give at least one character, or leave --prompt out");
    } else {
        tokens.push_back(target->data->watched().tokens[0]);
    }
    train_model(*target, target_src, speculative ? "target" : "model");
    if (draft) train_model(*draft, draft_src, "draft");
    const std::vector<int> prompt = tokens;
    const int Vd = tok.size();  // the ids the data uses (a config may declare a larger vocabulary)
    TransformerLM& model = *target->model;

    if (!speculative) {
        Sampler sampler(sc, Vd);
        const auto t0 = Clock::now();
        if (use_cache) {
            KVCacheDecoder dec(model);
            generate_cached(dec, sampler, tokens, n, rng);
            const double secs = seconds_since(t0);
            std::printf("%s\n", tok.decode(tokens).c_str());
            if (stats) print_counts("with the KV cache", dec.counts, n, secs);
        } else {
            generate_uncached(model, sampler, tokens, n, rng);
            const double secs = seconds_since(t0);
            std::printf("%s\n", tok.decode(tokens).c_str());
            if (stats) print_counts("without a cache (full forward per token)", DecodeCounts{}, n, secs);
        }
        return 0;
    }

    KVCacheDecoder target_dec(model), draft_dec(*draft->model);
    SpeculativeDecoder spec(draft_dec, target_dec, sc, gamma, Vd);
    const Rng rng_start = rng;
    const auto t0 = Clock::now();
    spec.generate(tokens, n, rng);
    const double secs = seconds_since(t0);
    std::printf("%s\n", tok.decode(tokens).c_str());
    if (stats) {
        const SpeculativeStats& s = spec.stats;
        std::fprintf(stderr, "speculative decoding, gamma %d: %lld target passes, %.2f tokens per pass, acceptance "
                             "rate %.3f (%lld of %lld proposals)\n",
                     gamma, s.rounds, s.tokens_per_round(), s.acceptance_rate(), s.accepted, s.drafted);
        print_counts("speculative (the target's passes)", target_dec.counts, n, secs);
        print_counts("the draft's passes", draft_dec.counts, n, -1.0);
        // the same tokens' worth from the target alone, cached, same sampling and seed
        std::vector<int> alone = prompt;
        Rng rng_alone = rng_start;
        Sampler sampler(sc, Vd);
        KVCacheDecoder solo(model);
        const auto t1 = Clock::now();
        generate_cached(solo, sampler, alone, n, rng_alone);
        const double solo_secs = seconds_since(t1);
        print_counts("the target alone", solo.counts, n, solo_secs);
        std::fprintf(stderr, "speed-up over the target alone: %.2fx\n", solo_secs / secs);
    }
    return 0;
}

}  // namespace noam::cli
