// noamlab export-torch: a saved run as a self-contained PyTorch script that defines the same model (only the
// mechanisms the run uses), loads the weights straight from the .noamrun file and checks that it reproduces the
// core's logits on the watched example.
// Sections: help | python pieces (one function per mechanism) | the script | the command
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.h"
#include "atomic_file.h"
#include "checkpoint.h"
#include "commands.h"

namespace noam::cli {

static const char* kHelp =
    "usage: noamlab export-torch RUN.noamrun --out MODEL.py [--weights-out WEIGHTS.json]\n"
    "\n"
    "Writes a self-contained PyTorch script (torch and the Python standard library only) that defines the run's\n"
    "model as an nn.Module tree (only the mechanisms this run uses: attention heads and key/value heads, talking\n"
    "heads, Primer's convolutions, the FFN kind, the MoE router with its capacity, norms and their placement,\n"
    "positions, tied or untied head), loads the weights from the run file (magic, version and CRC-32 checked;\n"
    "load_state_dict(strict=True)), runs the watched example and compares its logits with the ones NoamLab\n"
    "computed, embedded in the script: `python3 MODEL.py` prints the largest difference and exits 1 above the\n"
    "tolerance (1e-4 of the largest logit, at least 1e-4). A comment block at its end says how to continue the\n"
    "training in PyTorch with the run's optimizer settings.\n"
    "  --out MODEL.py          the script to write (required)\n"
    "  --weights-out F.json    also write the weights (by the module's state_dict names), the watched tokens and\n"
    "                          the core's logits as JSON; the script then reads its weights from this file\n"
    "                          instead of the run file (python3 MODEL.py --run RUN.noamrun still reads the run)\n"
    "A missing, damaged or mismatched run file, or an output that cannot be written: one line, exit code 2.\n";

// ---- python pieces ----

// a float in the fewest digits that Python reads back to the same float32 value (0.01, not 0.00999999978)
static std::string num(float v) {
    char buf[32];
    for (int digits = 6; digits <= 9; digits++) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (std::strtof(buf, nullptr) == v) break;
    }
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
}
// the exact double value of a float32 (for the capacity formula, which the core evaluates in double)
static std::string exact(float v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", (double)v);
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
}
static std::string py_bool(bool b) { return b ? "True" : "False"; }
// a Python string literal (JSON's escapes are Python's for the characters a path holds)
static std::string py_str(const std::string& s) { return nlohmann::json(s).dump(); }

// The activation of the FFN kind, as a PyTorch expression of `a` = x W (+ b), with the paper's formula.
static void activation_python(FfnKind k, std::string& out) {
    const char* expr = "";
    const char* formula = "";
    switch (k) {
        case FfnKind::ReLU: case FfnKind::ReGLU: expr = "F.relu(a)"; formula = "max(0, a)"; break;
        case FfnKind::GELU: case FfnKind::GEGLU:
            expr = "F.gelu(a, approximate=\"tanh\")";
            formula = "GELU, tanh form: 0.5 a (1 + tanh(sqrt(2/pi) (a + 0.044715 a^3)))";
            break;
        case FfnKind::GELU_erf: expr = "F.gelu(a)"; formula = "GELU: a Phi(a)"; break;
        case FfnKind::Swish: case FfnKind::SwiGLU: expr = "F.silu(a)"; formula = "Swish_1(a) = a sigmoid(a)"; break;
        case FfnKind::SquaredReLU: expr = "F.relu(a).square()"; formula = "Primer's max(0, a)^2"; break;
        case FfnKind::GLU: expr = "torch.sigmoid(a)"; formula = "sigmoid(a)"; break;
        case FfnKind::Bilinear: expr = "a"; formula = "the identity: the bilinear layer has no nonlinearity"; break;
    }
    out += "def activation(a):\n";
    out += "    \"\"\"" + std::string(to_string(k)) + ": " + formula + "\"\"\"\n";
    out += "    return " + std::string(expr) + "\n\n\n";
}

static void norm_python(const ModelConfig& m, std::string& out) {
    if (m.norm == NormKind::RMSNorm) {
        out += R"PY(class Norm(nn.Module):
    """RMSNorm (Zhang & Sennrich 2019): y = x / sqrt(mean(x^2) + eps) * g"""

    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))  # g (d,)

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


)PY";
    } else {
        out += R"PY(def Norm(d):
    """LayerNorm (Ba et al. 2016): y = (x - mean) / sqrt(var + eps) * g + b, eps 1e-5 as in the core"""
    return nn.LayerNorm(d, eps=1e-5)


)PY";
    }
}

static void embedding_python(const ModelConfig& m, std::string& out) {
    if (m.positions == PosKind::Sinusoidal)
        out += R"PY(def sinusoidal_positions(T, d):
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d))  (Vaswani et al. 2017, 3.5),
    in double and rounded to float32, as the core computes them"""
    pe = torch.zeros(T, d, dtype=torch.float64)
    for pos in range(T):
        for i in range((d + 1) // 2):
            angle = pos / math.pow(10000.0, 2.0 * i / d)
            pe[pos, 2 * i] = math.sin(angle)
            if 2 * i + 1 < d:
                pe[pos, 2 * i + 1] = math.cos(angle)
    return pe.float()


)PY";
    std::string formula = "x_t = E[token_t]";
    if (m.scale_embeddings) formula += " * sqrt(d_model)";
    if (m.positions == PosKind::Sinusoidal) formula += " + PE(t), sinusoidal positions";
    if (m.positions == PosKind::Learned) formula += " + P[t], learned positions";
    if (m.positions == PosKind::None) formula += ", no positions (causal attention alone tells the order)";
    out += "class Embedding(nn.Module):\n";
    out += "    \"\"\"" + formula + "\"\"\"\n\n";
    out += "    def __init__(self):\n        super().__init__()\n";
    out += "        self.tokens = nn.Parameter(torch.zeros(VOCAB_SIZE, D_MODEL))  # E (V, D)\n";
    if (m.positions == PosKind::Learned)
        out += "        self.positions = nn.Parameter(torch.zeros(SEQ_LEN, D_MODEL))  # P (seq_len, D)\n";
    if (m.positions == PosKind::Sinusoidal)
        out += "        self.register_buffer(\"sinusoid\", sinusoidal_positions(SEQ_LEN, D_MODEL), persistent=False)\n";
    out += "\n    def forward(self, ids):  # ids (B, T) -> x (B, T, D)\n";
    out += "        x = F.embedding(ids, self.tokens)";
    if (m.scale_embeddings) out += " * math.sqrt(D_MODEL)";
    out += "\n";
    if (m.positions == PosKind::Learned) out += "        x = x + self.positions[: ids.shape[1]]\n";
    if (m.positions == PosKind::Sinusoidal) out += "        x = x + self.sinusoid[: ids.shape[1]]\n";
    out += "        return x\n\n\n";
}

static void attention_python(const ModelConfig& m, std::string& out) {
    const int H = m.n_heads, KV = m.kv_heads();
    const std::string kind = KV == H ? "Multi-head attention (MHA)"
                             : KV == 1 ? "Multi-query attention (MQA, Shazeer 2019): one key/value head for all " +
                                             std::to_string(H) + " query heads"
                                       : "Grouped-query attention (GQA): " + std::to_string(KV) +
                                             " key/value heads, query head h reads key/value head h // " +
                                             std::to_string(H / KV);
    out += "class Attention(nn.Module):\n";
    out += "    \"\"\"Scaled dot-product attention (Vaswani et al. 2017, eq. 1 and 3.2.2):\n";
    out += "    y = Concat_h(softmax(Q_h K_g^T" + std::string(m.scale_attention ? " / sqrt(d_k)" : "") + ") V_g) W_o\n";
    out += "    " + kind + ".";
    if (m.talking_heads)
        out += "\n    Talking heads (Shazeer et al. 2020): the logits mixed across heads by P_l before the softmax,\n"
               "    the weights by P_w after it: L_a = sum_h P_l[h][a] S_h, W_c = sum_a P_w[a][c] softmax(L_a).";
    if (m.attention_dconv > 0)
        out += "\n    Primer (So et al. 2021): a causal depthwise convolution of width " +
               std::to_string(m.attention_dconv) + " along time after each of\n    the Q, K and V projections.";
    out += "\"\"\"\n\n";
    out += "    def __init__(self):\n        super().__init__()\n";
    out += "        self.wq = nn.Linear(D_MODEL, N_HEADS * HEAD_DIM, bias=False)\n";
    out += "        self.wk = nn.Linear(D_MODEL, N_KV_HEADS * HEAD_DIM, bias=False)\n";
    out += "        self.wv = nn.Linear(D_MODEL, N_KV_HEADS * HEAD_DIM, bias=False)\n";
    out += "        self.wo = nn.Linear(N_HEADS * HEAD_DIM, D_MODEL, bias=False)\n";
    if (m.talking_heads) {
        out += "        self.talk_logits = nn.Parameter(torch.eye(N_HEADS))   # P_l (H, H), row = from head\n";
        out += "        self.talk_weights = nn.Parameter(torch.eye(N_HEADS))  # P_w (H, H)\n";
    }
    if (m.attention_dconv > 0) {
        out += "        # taps (width, channels): tap i multiplies the input i steps back\n";
        out += "        self.dconv_q = nn.Parameter(torch.zeros(DCONV_WIDTH, N_HEADS * HEAD_DIM))\n";
        out += "        self.dconv_k = nn.Parameter(torch.zeros(DCONV_WIDTH, N_KV_HEADS * HEAD_DIM))\n";
        out += "        self.dconv_v = nn.Parameter(torch.zeros(DCONV_WIDTH, N_KV_HEADS * HEAD_DIM))\n";
        out += R"PY(
    @staticmethod
    def causal_dconv(x, w):
        """y[t][c] = sum_{i < width} w[i][c] x[t - i][c], with x[t < 0] = 0; x (B, T, C), w (width, C)"""
        T = x.shape[1]
        y = x * w[0]
        for i in range(1, min(w.shape[0], T)):
            y = y + F.pad(x[:, : T - i], (0, 0, i, 0)) * w[i]  # x shifted i steps later in time
        return y
)PY";
    }
    out += "\n    def forward(self, x):  # x (B, T, D) -> (B, T, D)\n";
    out += "        B, T, _ = x.shape\n";
    out += "        q, k, v = self.wq(x), self.wk(x), self.wv(x)  # (B, T, H*hd), (B, T, KV*hd), (B, T, KV*hd)\n";
    if (m.attention_dconv > 0)
        out += "        q, k, v = (self.causal_dconv(q, self.dconv_q), self.causal_dconv(k, self.dconv_k),\n"
               "                   self.causal_dconv(v, self.dconv_v))\n";
    out += "        q = q.view(B, T, N_HEADS, HEAD_DIM).transpose(1, 2)  # (B, H, T, hd)\n";
    out += "        k = k.view(B, T, N_KV_HEADS, HEAD_DIM).transpose(1, 2)  # (B, KV, T, hd)\n";
    out += "        v = v.view(B, T, N_KV_HEADS, HEAD_DIM).transpose(1, 2)\n";
    if (KV != H) {
        out += "        # each key/value head serves N_HEADS // N_KV_HEADS query heads in a row: h reads h // (H / KV)\n";
        out += "        k = k.repeat_interleave(N_HEADS // N_KV_HEADS, dim=1)  # (B, H, T, hd)\n";
        out += "        v = v.repeat_interleave(N_HEADS // N_KV_HEADS, dim=1)\n";
    }
    out += std::string("        scores = q @ k.transpose(-2, -1)") + (m.scale_attention ? " / math.sqrt(HEAD_DIM)" : "") +
           "  # S (B, H, T, T)\n";
    if (m.talking_heads)
        out += "        scores = torch.einsum(\"bhtj,ha->batj\", scores, self.talk_logits)  # L_a = sum_h P_l[h][a] S_h\n";
    if (m.causal) {
        out += "        future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)\n";
        out += "        scores = scores.masked_fill(future, float(\"-inf\"))  # causal: key j > t is not seen\n";
    }
    out += "        probs = torch.softmax(scores, dim=-1)\n";
    if (m.talking_heads)
        out += "        probs = torch.einsum(\"batj,ac->bctj\", probs, self.talk_weights)  # W_c = sum_a P_w[a][c] A_a\n";
    out += "        ctx = (probs @ v).transpose(1, 2).reshape(B, T, N_HEADS * HEAD_DIM)  # heads side by side\n";
    out += "        return self.wo(ctx)\n\n\n";
}

static void ffn_python(const ModelConfig& m, std::string& out) {
    activation_python(m.ffn, out);
    const bool gated = is_gated(m.ffn);
    out += "class FeedForward(nn.Module):\n";
    if (gated)
        out += "    \"\"\"FFN(x) = (activation(x W" + std::string(m.ffn_bias ? " + b" : "") + ") * (x V" +
               (m.ffn_bias ? " + c" : "") + ")) W2" + (m.ffn_bias ? " + b2" : "") +
               "   (Shazeer 2020, GLU Variants Improve Transformer)\"\"\"\n\n";
    else
        out += "    \"\"\"FFN(x) = activation(x W1" + std::string(m.ffn_bias ? " + b1" : "") + ") W2" +
               (m.ffn_bias ? " + b2" : "") + "   (Vaswani et al. 2017, eq. 2)\"\"\"\n\n";
    out += "    def __init__(self, hidden):\n        super().__init__()\n";
    out += "        self.w1 = nn.Linear(D_MODEL, hidden, bias=FFN_BIAS)\n";
    if (gated) out += "        self.v = nn.Linear(D_MODEL, hidden, bias=FFN_BIAS)\n";
    out += "        self.w2 = nn.Linear(hidden, D_MODEL, bias=FFN_BIAS)\n\n";
    out += "    def forward(self, x):  # x (..., D) -> (..., D)\n";
    out += gated ? "        return self.w2(activation(self.w1(x)) * self.v(x))\n\n\n"
                 : "        return self.w2(activation(self.w1(x)))\n\n\n";
}

// The router's forward for one group of tokens: routes (token, expert, gate) in the order the core places them,
// with its capacity and drops. Evaluation (the watched example) is exact; training takes the training capacity
// factor and, for noisy top-k, the noise, but not the auxiliary losses (the comment at the end says so).
static void router_python(const MoeConfig& c, std::string& out) {
    switch (c.router) {
        case RouterKind::Switch:
            out += R"PY(    def route(self, x, t0, capacity_factor):
        """Switch (Fedus et al. 2021, eq. 1-2): p = softmax(x W_r), i = argmax p, gate p_i. Tokens are taken in
        order; an expert already holding C tokens of the group drops the next (its output is 0)."""
        probs = torch.softmax(self.router(x), dim=-1)  # (T, E)
        C = expert_capacity(len(x), N_EXPERTS, capacity_factor)
        used, routes = [0] * N_EXPERTS, []
        for t, e in enumerate(probs.argmax(-1).tolist()):  # the lowest expert on a tie, as the core
            if used[e] < C:
                used[e] += 1
                routes.append((t0 + t, e, probs[t, e]))
            else:
                self.dropped += 1  # refused by the expert's capacity
        return routes
)PY";
            break;
        case RouterKind::Top2: {
            const bool random_policy = c.second_policy == SecondPolicy::Random;
            out += random_policy ? "    def route(self, x, t0, capacity_factor, uniform):\n"
                                 : "    def route(self, x, t0, capacity_factor):\n";
            out += R"PY(        """GShard top-2 (Lepikhin et al. 2020, algorithm 1): p = softmax(x W_g), e1 and e2 the best and second-best
        experts, g1 = p_e1 / (p_e1 + p_e2), g2 = p_e2 / (p_e1 + p_e2). The first choices of all the group's tokens
        fill the experts (in token order) before any second choice; past C a choice is dropped."""
        probs = torch.softmax(self.router(x), dim=-1)  # (T, E)
        C = expert_capacity(len(x), N_EXPERTS, capacity_factor)
        e1 = probs.argmax(-1)
        e2 = probs.scatter(-1, e1[:, None], float("-inf")).argmax(-1)
        p1, p2 = probs.gather(-1, e1[:, None])[:, 0], probs.gather(-1, e2[:, None])[:, 0]
        g1, g2 = p1 / (p1 + p2), p2 / (p1 + p2)
        used, routes = [0] * N_EXPERTS, []
        for t, e in enumerate(e1.tolist()):  # first choices
            if used[e] < C:
                used[e] += 1
                routes.append((t0 + t, e, g1[t]))
            else:
                self.dropped += 1  # refused by the expert's capacity
)PY";
            switch (c.second_policy) {
                case SecondPolicy::None:
                    out += "        # second_policy none: the second expert is never used (g1 keeps its normaliser)\n";
                    out += "        return routes\n";
                    return;
                case SecondPolicy::All:
                    out += "        for t, e in enumerate(e2.tolist()):  # then second choices, all of them (policy all)\n";
                    break;
                case SecondPolicy::Threshold:
                    out += "        for t, e in enumerate(e2.tolist()):  # then second choices\n";
                    out += "            if not g2[t] > SECOND_THRESHOLD:  # policy threshold: used when g2 > threshold\n";
                    out += "                continue\n";
                    break;
                case SecondPolicy::Random:
                    out += "        for t, e in enumerate(e2.tolist()):  # then second choices\n";
                    out += "            # policy random: used with probability min(1, g2 / threshold)\n";
                    out += "            if not uniform[t0 + t] < (g2[t] / SECOND_THRESHOLD).item():\n";
                    out += "                continue\n";
                    break;
            }
            out += R"PY(            if used[e] < C:
                used[e] += 1
                routes.append((t0 + t, e, g2[t]))
            else:
                self.dropped += 1  # refused by the expert's capacity
        return routes
)PY";
            break;
        }
        case RouterKind::NoisyTopK:
            out += R"PY(    def route(self, x, t0):
        """Noisy top-k gating (Shazeer et al. 2017, eq. 3-5): H(x) = x W_g)PY";
            out += c.noise ? " + StandardNormal() * Softplus(x W_noise) (the noise in training only)" : "";
            out += R"PY(,
        G(x) = Softmax(KeepTopK(H(x), k)); every token goes to its k experts (no capacity)."""
        H = self.router(x)  # (T, E)
)PY";
            if (c.noise)
                out += "        if self.training:\n"
                       "            H = H + torch.randn_like(H) * F.softplus(self.router_noise(x))\n";
            out += R"PY(        # the k largest H, largest first, the lower expert first on a tie (a stable sort, as the core)
        top = torch.sort(H, dim=-1, descending=True, stable=True).indices[:, :TOP_K]  # (T, k)
        G = torch.softmax(H.gather(-1, top), dim=-1)  # the softmax over the kept k
        return [(t0 + t, e, G[t, i]) for t in range(len(x)) for i, e in enumerate(top[t].tolist())]
)PY";
            break;
        case RouterKind::ExpertChoice:
            out += R"PY(    def route(self, x, t0, capacity_factor):
        """Expert choice (Zhou et al. 2022): S = softmax(x W_g) (T, E); each EXPERT takes the C tokens with the
        largest S[:, e] (the lower token first on a tie), gate S[t, e]. A token may get 0, 1 or many experts."""
        probs = torch.softmax(self.router(x), dim=-1)  # S (T, E)
        C = expert_capacity(len(x), N_EXPERTS, capacity_factor)
        routes = []
        for e in range(N_EXPERTS):
            picks = torch.sort(probs[:, e], descending=True, stable=True).indices[:C]
            routes += [(t0 + t, e, probs[t, e]) for t in picks.tolist()]
        return routes
)PY";
            break;
    }
}

static void moe_python(const ModelConfig& m, std::string& out) {
    const MoeConfig& c = m.moe;
    if (c.has_capacity())
        out += R"PY(def expert_capacity(tokens, experts, capacity_factor):
    """C = min(T, floor(capacity_factor * T / E)) for a group of T tokens (the Mesh TensorFlow reference code's
    capacity; + 1e-6 as the core adds, for factors read from a decimal)"""
    return min(tokens, math.floor(capacity_factor * tokens / experts + 1e-6))


)PY";
    if (c.router == RouterKind::Top2 && c.second_policy == SecondPolicy::Random)
        out += R"PY(class CoreRng:
    """The core's generator (core/rng.h): xoshiro256** seeded by splitmix64. GShard's random second-expert policy
    draws its uniforms in evaluation from CoreRng(0x5EC0DE), reset at every forward, so the same weights give the
    same routing; this reproduces those draws exactly."""
    M = (1 << 64) - 1

    def __init__(self, seed):
        self.s, x = [], seed
        for _ in range(4):  # splitmix64
            x = (x + 0x9E3779B97F4A7C15) & self.M
            z = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & self.M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.M
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & CoreRng.M

    def next_u64(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & self.M, 7) * 9) & self.M
        t = (s[1] << 17) & self.M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def uniform(self):  # [0, 1) with 24 bits, exactly a float32
        return (self.next_u64() >> 40) / 16777216.0


)PY";
    static const char* kNames[] = {"Switch (top-1)", "GShard top-2", "noisy top-k", "expert choice"};
    out += "class MoE(nn.Module):\n";
    out += "    \"\"\"Mixture-of-Experts in place of the FFN (Shazeer et al. 2017): y = sum_i G(x)_i E_i(x), router: " +
           std::string(kNames[(int)c.router]) + ".\n";
    out += "    Each expert is a FeedForward of D_FF hidden units. A token no expert processed gets y = 0: the residual\n";
    out += c.has_capacity()
               ? "    carries it. Tokens are routed in groups of GROUP_SIZE (0: the whole batch), capacity per group.\"\"\"\n\n"
               : "    carries it. Tokens are routed in groups of GROUP_SIZE (0: the whole batch).\"\"\"\n\n";
    out += "    def __init__(self):\n        super().__init__()\n";
    out += "        self.router = nn.Linear(D_MODEL, N_EXPERTS, bias=False)  # W_g\n";
    if (c.router == RouterKind::NoisyTopK && c.noise)
        out += "        self.router_noise = nn.Linear(D_MODEL, N_EXPERTS, bias=False)  # W_noise\n";
    out += "        self.experts = nn.ModuleList(FeedForward(D_FF) for _ in range(N_EXPERTS))\n\n";
    router_python(c, out);
    const bool random_policy = c.router == RouterKind::Top2 && c.second_policy == SecondPolicy::Random;
    out += "\n    def forward(self, x):  # x (B, T, D) -> (B, T, D)\n";
    out += "        shape = x.shape\n";
    out += "        x = x.reshape(-1, D_MODEL)  # the batch's tokens in order, as the core routes them\n";
    out += "        n = len(x)\n";
    out += "        group = min(GROUP_SIZE, n) if GROUP_SIZE > 0 else n\n";
    if (c.has_capacity())
        out += "        capacity_factor = CAPACITY_FACTOR if self.training else EVAL_CAPACITY_FACTOR\n";
    if (random_policy) {
        out += "        if self.training:\n            uniform = torch.rand(n).tolist()\n";
        out += "        else:\n            rng = CoreRng(0x5EC0DE)\n            uniform = [rng.uniform() for _ in range(n)]\n";
    }
    out += "        self.dropped = 0  # routes refused by capacity, for the check against the core's routing\n";
    out += "        routes = []  # (token, expert, gate) of every processed route\n";
    out += "        for t0 in range(0, n, group):\n";
    out += std::string("            routes += self.route(x[t0 : t0 + group], t0") +
           (c.has_capacity() ? ", capacity_factor" : "") + (random_policy ? ", uniform" : "") + ")\n";
    out += R"PY(        self.processed = sorted((t, e) for t, e, _ in routes)
        y = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            mine = [(t, gate) for t, expert_index, gate in routes if expert_index == e]
            if not mine:
                continue
            rows = torch.tensor([t for t, _ in mine], device=x.device)
            gates = torch.stack([gate for _, gate in mine])[:, None]
            y = y.index_add(0, rows, gates * expert(x[rows]))  # combine: y_t += gate E_e(x_t)
        return y.view(shape)


)PY";
}

static void block_python(const ModelConfig& m, bool any_moe, bool any_dense, std::string& out) {
    out += "class Block(nn.Module):\n";
    if (m.placement == NormPlacement::PreNorm)
        out += "    \"\"\"Pre-norm: h = x + Attn(LN1(x)) ; out = h + FFN(LN2(h))\"\"\"\n\n";
    else
        out += "    \"\"\"Post-norm, as the 2017 paper: h = LN1(x + Attn(x)) ; out = LN2(h + FFN(h))\"\"\"\n\n";
    out += any_moe && any_dense ? "    def __init__(self, layer):\n" : "    def __init__(self):\n";
    out += "        super().__init__()\n";
    out += "        self.norm1 = Norm(D_MODEL)\n        self.attn = Attention()\n        self.norm2 = Norm(D_MODEL)\n";
    std::string ff;
    if (any_moe && any_dense) {
        out += "        self.use_moe = layer in MOE_LAYERS\n";
        out += "        if self.use_moe:\n            self.moe = MoE()\n";
        out += "        else:\n            self.ffn = FeedForward(FFN_HIDDEN)\n";
        ff = "(self.moe if self.use_moe else self.ffn)";
    } else if (any_moe) {
        out += "        self.moe = MoE()  # every layer\n";
        ff = "self.moe";
    } else {
        out += "        self.ffn = FeedForward(FFN_HIDDEN)\n";
        ff = "self.ffn";
    }
    out += "\n    def forward(self, x):  # (B, T, D) -> (B, T, D)\n";
    if (m.placement == NormPlacement::PreNorm) {
        out += "        h = x + self.attn(self.norm1(x))\n";
        out += "        return h + " + ff + "(self.norm2(h))\n\n\n";
    } else {
        out += "        h = self.norm1(x + self.attn(x))\n";
        out += "        return self.norm2(h + " + ff + "(h))\n\n\n";
    }
}

// mixed_layers: some blocks hold an MoE and others a dense FFN (Block takes its layer index to know which)
static void model_python(const ModelConfig& m, bool mixed_layers, std::string& out) {
    const bool pre = m.placement == NormPlacement::PreNorm;
    out += "class TransformerLM(nn.Module):\n";
    out += "    \"\"\"Decoder-only language model: x = Embed(ids) ; x = Block(x) for each block";
    out += pre ? " ; x = LN(x) ;\n    " : " ;\n    ";
    out += m.tie_embeddings ? "logits = x E^T (the head tied to the embedding)\"\"\"\n\n"
                            : "logits = x W_out (an untied head)\"\"\"\n\n";
    out += "    def __init__(self):\n        super().__init__()\n";
    out += "        self.embed = Embedding()\n";
    out += mixed_layers ? "        self.blocks = nn.ModuleList(Block(layer) for layer in range(N_LAYERS))\n"
                        : "        self.blocks = nn.ModuleList(Block() for _ in range(N_LAYERS))\n";
    if (pre) out += "        self.final_norm = Norm(D_MODEL)\n";
    if (!m.tie_embeddings) out += "        self.lm_head = nn.Linear(D_MODEL, VOCAB_SIZE, bias=False)\n";
    out += "\n    def forward(self, ids):  # ids (B, T) -> logits (B, T, V)\n";
    out += "        x = self.embed(ids)\n";
    out += "        for block in self.blocks:\n            x = block(x)\n";
    if (pre) out += "        x = self.final_norm(x)\n";
    out += m.tie_embeddings ? "        return x @ self.embed.tokens.t()  # the matrix that embedded the tokens scores them\n\n\n"
                            : "        return self.lm_head(x)\n\n\n";
}

static const char* kLoader = R"PY(# ---- reading the weights ----
def fail(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def read_noamrun(path):
    """The run file's parameters by their core names, {name: float32 tensor of the saved shape}, read with struct
    as NoamLab's docs/run_format.md lays the file out: magic NOAMRUN\0, version (uint32), header length H (uint64),
    H bytes of JSON header, the arrays it lists (raw little-endian), CRC-32 of everything before it (uint32)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        fail(f"{path}: cannot open ({e.strerror})")
    if data[:8] != b"NOAMRUN\0":
        fail(f"{path}: not a NoamLab run file (bad magic)")
    if len(data) < 24:
        fail(f"{path}: truncated")
    version, header_len = struct.unpack_from("<IQ", data, 8)
    if version not in (1, 2):  # version 2 adds the window's kept pictures, which this script does not need
        fail(f"{path}: format version {version}; this script reads versions 1 and 2")
    if 20 + header_len + 4 > len(data):
        fail(f"{path}: truncated (the header says it is longer)")
    (crc,) = struct.unpack_from("<I", data, len(data) - 4)
    if zlib.crc32(data[:-4]) != crc:
        fail(f"{path}: checksum mismatch: the file is damaged")
    header = json.loads(data[20 : 20 + header_len].decode("utf-8"))
    if header.get("config", {}).get("model") != MODEL_CONFIG:
        fail(f"{path}: its model differs from the one this script defines (export the script from this run)")
    offset = 20 + header_len
    for array_info in header["arrays"]:
        if array_info["name"] == "weights":
            break
        offset += 4 * array_info["count"]
    else:
        fail(f"{path}: no weights array")
    values = array.array("f")
    values.frombytes(data[offset : offset + 4 * array_info["count"]])
    if sys.byteorder == "big":
        values.byteswap()
    weights = torch.tensor(values, dtype=torch.float32)
    params, start = {}, 0
    for p in header["params"]:
        size = math.prod(p["shape"])
        params[p["name"]] = weights[start : start + size].view(p["shape"])
        start += size
    if start != len(weights):
        fail(f"{path}: {len(weights)} weights, the parameters list {start}")
    return params


def core_to_state_dict(params):
    """The core's parameter names and layouts -> this module tree's state_dict. A core Linear computes y = x W with
    W (in, out) named "<layer>.w": torch's weight is W^T (out, in). A norm's gain "g" is torch's "weight", biases
    "b" are "bias"; embeddings, talking-heads mixes and convolution taps keep their names and layouts."""
    state = {}
    for name, value in params.items():
        stem, _, last = name.rpartition(".")
        if last == "w":
            state[stem + ".weight"] = value.t().contiguous()
        elif last == "g":
            state[stem + ".weight"] = value
        elif last == "b":
            state[stem + ".bias"] = value
        else:
            state[name] = value
    return state


)PY";

static const char* kJsonLoader = R"PY(def read_weights_json(path):
    """The weights that noamlab export-torch --weights-out wrote, by this module tree's state_dict names"""
    try:
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: cannot read ({e})")
    if saved.get("config", {}).get("model") != MODEL_CONFIG:
        fail(f"{path}: its model differs from the one this script defines")
    return {name: torch.tensor(t["values"], dtype=torch.float32).view(t["shape"]) for name, t in saved["state_dict"].items()}


)PY";

static std::string int_list(const std::vector<int>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); i++) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

// The core's logits, one row per position
static std::string logits_python(const float* logits, int T, int V) {
    std::string s = "[\n";
    for (int t = 0; t < T; t++) {
        s += "    [";
        for (int j = 0; j < V; j++) s += (j ? ", " : "") + num(logits[(size_t)t * V + j]);
        s += "],\n";
    }
    return s + "]";
}

// How to go on training in PyTorch: the run's optimizer, schedule, clipping and loss as ready code.
static std::string training_python(const RunConfig& c, int step) {
    const OptimConfig& o = c.optim;
    // Adafactor's relative step is its own schedule: the run's lr schedule did not apply
    const bool uses_schedule = !(o.kind == "adafactor" && o.relative_step);
    std::string s = "# ---- continuing the training in PyTorch ----\n";
    s += "# The run stopped at step " + std::to_string(step) + " of " + std::to_string(c.train.steps) +
         ", batch " + std::to_string(c.train.batch_size) + " x seq_len " + std::to_string(c.model.seq_len) +
         ". Its settings as PyTorch code:\n#\n";
    s += "#   model = TransformerLM()\n#   model.load_state_dict(core_to_state_dict(read_noamrun(RUN_FILE)), strict=True)\n";
    s += "#   model.train()\n";
    if (uses_schedule) {
        s += "#   def learning_rate(t):  # the run's schedule, t = 1, 2, ...\n";
        switch (o.schedule) {
            case Schedule::Constant: s += "#       return " + num(o.lr) + "\n"; break;
            case Schedule::Noam:
                s += "#       # Vaswani et al. 2017, eq. 3: lr d_model^-0.5 min(t^-0.5, t warmup^-1.5)\n";
                s += "#       return " + num(o.lr) + " / math.sqrt(D_MODEL) * min(t ** -0.5, t * " +
                     std::to_string(std::max(o.warmup, 1)) + " ** -1.5)\n";
                break;
            case Schedule::Cosine: {
                const int total = o.total_steps > 0 ? o.total_steps : std::max(c.train.steps, 1);
                if (o.warmup > 0) {
                    s += "#       if t <= " + std::to_string(o.warmup) + ":  # linear warmup\n";
                    s += "#           return " + num(o.lr) + " * t / " + std::to_string(o.warmup) + "\n";
                }
                s += "#       progress = min(1.0, (t - " + std::to_string(o.warmup) + ") / max(1, " +
                     std::to_string(total) + " - " + std::to_string(o.warmup) + "))\n";
                s += "#       return " + num(o.min_lr) + " + (" + num(o.lr) + " - " + num(o.min_lr) +
                     ") * 0.5 * (1 + math.cos(math.pi * progress))\n";
                break;
            }
        }
    }
    const std::string lr = uses_schedule ? "learning_rate(" + std::to_string(step + 1) + ")" : "0.01";
    if (o.kind == "adam" || (o.kind == "adamw" && o.weight_decay == 0.0f)) {
        s += "#   optimizer = torch.optim.Adam(model.parameters(), lr=" + lr + ", betas=(" + num(o.beta1) + ", " +
             num(o.beta2) + "), eps=" + num(o.eps) + ")\n";
    } else if (o.kind == "adamw") {
        s += "#   # AdamW's decoupled decay on the matrices only (2-D parameters), as the core\n";
        s += "#   matrices = [p for p in model.parameters() if p.dim() == 2]\n";
        s += "#   others = [p for p in model.parameters() if p.dim() != 2]\n";
        s += "#   optimizer = torch.optim.AdamW([{\"params\": matrices, \"weight_decay\": " + num(o.weight_decay) +
             "},\n#                                  {\"params\": others, \"weight_decay\": 0.0}],\n";
        s += "#                                 lr=" + lr + ", betas=(" + num(o.beta1) + ", " + num(o.beta2) +
             "), eps=" + num(o.eps) + ")\n";
    } else if (o.kind == "sgd") {
        s += "#   optimizer = torch.optim.SGD(model.parameters(), lr=" + lr + ", momentum=" + num(o.momentum) +
             ")  # v = mu v + g ; w -= lr v, as the core\n";
    } else {
        // torch.optim.Adafactor (PyTorch 2.5 and newer): rho_t = min(lr, 1/sqrt(t)), alpha_t = max(eps2, RMS(X)) rho_t,
        // beta2hat_t = 1 - t^beta2_decay, update clipping at d; no first moment, no fixed beta2, always RMS-scaled
        s += "#   # Adafactor (Shazeer & Stern 2018): torch.optim.Adafactor, in PyTorch 2.5 and newer (not before),\n";
        s += "#   # rho_t = min(lr, 1/sqrt(t)) times max(eps2, RMS(X)), beta2hat_t = 1 - t^beta2_decay, clipping at d";
        s += uses_schedule ? ":\n" : "\n#   # (lr 0.01: the run's relative step min(1e-2, 1/sqrt(t))):\n";
        s += "#   optimizer = torch.optim.Adafactor(model.parameters(), lr=" + lr + ", beta2_decay=" +
             num(-o.decay_exponent) + ", eps=(" + num(o.eps1) + ", " + num(o.eps2) + "), d=" + num(o.clip_threshold) +
             ")\n";
        std::string lacks;
        if (o.beta1 > 0) lacks += " the first moment (the run's beta1 " + num(o.beta1) + ");";
        if (o.fixed_beta2 > 0) lacks += " a fixed beta2 (the run's " + num(o.fixed_beta2) + ");";
        if (!o.scale_parameter) lacks += " steps not scaled by RMS(X) (the run's scale_parameter false);";
        if (!o.relative_step) lacks += " a scheduled rate above 1/sqrt(t) (it caps lr there);";
        if (!lacks.empty()) {
            lacks.pop_back();
            s += "#   # It lacks" + lacks + ".\n";
        }
    }
    s += "#   for t in range(" + std::to_string(step + 1) + ", " + std::to_string(step + 1) +
         " + more_steps):  # ids, targets (B, T) from your data; -1: not scored\n";
    if (uses_schedule) s += "#       for group in optimizer.param_groups:\n#           group[\"lr\"] = learning_rate(t)\n";
    s += "#       logits = model(ids)\n";
    s += "#       loss = F.cross_entropy(logits.reshape(-1, VOCAB_SIZE), targets.reshape(-1), ignore_index=-1,\n";
    s += "#                              label_smoothing=" + num(o.label_smoothing) + ")\n";
    s += "#       optimizer.zero_grad()\n#       loss.backward()\n";
    if (o.grad_clip > 0) s += "#       torch.nn.utils.clip_grad_norm_(model.parameters(), " + num(o.grad_clip) + ")\n";
    s += "#       optimizer.step()\n#\n";
    s += "# Not carried over: the optimizer's state (the run file's optimizer.K arrays; the optimizer above starts\n";
    s += "# from zero moments) and the data order (the run's random streams).\n";
    if (c.model.moe.enabled())
        s += "# The MoE router here routes as the core does, with the training capacity factor in train mode, but adds\n"
             "# no auxiliary loss: add the run's balancing losses (PAPERS.md) to the loss before training on.\n";
    return s;
}

// ---- the script ----

struct Export {
    std::string script;
    nlohmann::json weights;  // --weights-out
};

static Export build_script(Trainer& tr, const std::string& run_path, const std::string& script_path,
                           const std::string& weights_path) {
    const RunConfig& c = tr.cfg;
    const ModelConfig& m = c.model;
    TransformerLM& model = *tr.model;
    // the watched example through the core's model (evaluation: no noise, the eval capacity factor)
    tr.forward_watched();
    const Batch& w = tr.data->watched();
    const int T = w.T, V = m.vocab_size;
    for (size_t i = 0; i < (size_t)T * V; i++)
        if (!std::isfinite(model.logits[i]))
            throw RunFileError(run_path + ": its logits on the watched example are not finite" +
                               (tr.error.empty() ? std::string("") : " (" + tr.error + ")") +
                               ": there is nothing for PyTorch to reproduce");

    bool any_moe = false, any_dense = false;
    std::vector<int> moe_layers;
    for (int l = 0; l < m.n_layers; l++) {
        (m.moe.is_moe_layer(l) ? any_moe : any_dense) = true;
        if (m.moe.is_moe_layer(l)) moe_layers.push_back(l);
    }

    std::string s;
    s += "#!/usr/bin/env python3\n";
    s += "# The NoamLab run " + std::filesystem::path(run_path).filename().string() + " (step " +
         std::to_string(tr.step_count) + ") as a PyTorch model, written by `noamlab export-torch`.\n";
    s += "# It defines the run's model (only the mechanisms this run uses), loads the weights from the run file, runs\n";
    s += "# the watched example and compares its logits with the ones NoamLab computed. Exit code 0: they agree within\n";
    s += "# the tolerance; 1: they do not; 2: the weights cannot be read.\n";
    s += "#   python3 " + std::filesystem::path(script_path).filename().string() + " [--run RUN.noamrun]" +
         (weights_path.empty() ? "" : " [--weights WEIGHTS.json]") + "\n";
    s += "# Needs torch (1.12 or newer) and the Python standard library.\n";
    s += "import argparse\nimport array\nimport json\nimport math\nimport struct\nimport sys\nimport zlib\n\n";
    s += "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n";
    s += "# ---- the run's settings ----\n";
    s += "RUN_FILE = " + py_str(std::filesystem::absolute(run_path).string()) + "\n";
    if (!weights_path.empty()) s += "WEIGHTS_FILE = " + py_str(std::filesystem::absolute(weights_path).string()) + "\n";
    s += "MODEL_CONFIG = json.loads(" + py_str(run_config_to_json(c)["model"].dump()) +
         ")  # the run file's header/config/model\n";
    s += "VOCAB_SIZE = " + std::to_string(V) + "\n";
    s += "D_MODEL = " + std::to_string(m.d_model) + "\n";
    s += "N_LAYERS = " + std::to_string(m.n_layers) + "\n";
    s += "N_HEADS = " + std::to_string(m.n_heads) + "\n";
    s += "N_KV_HEADS = " + std::to_string(m.kv_heads()) + "\n";
    s += "HEAD_DIM = " + std::to_string(m.head_dim()) + "  # d_k = d_model / n_heads\n";
    s += "SEQ_LEN = " + std::to_string(m.seq_len) + "\n";
    if (m.attention_dconv > 0) s += "DCONV_WIDTH = " + std::to_string(m.attention_dconv) + "\n";
    if (any_dense) {
        s += "FFN_HIDDEN = " + std::to_string(m.ffn_hidden());
        const std::string note = describe_ffn_hidden(m.ffn, m.d_model, m.d_ff, m.ffn_hidden(), m.ffn_bias);
        s += note.empty() ? "\n" : "  # " + note + "\n";
    }
    s += "FFN_BIAS = " + py_bool(m.ffn_bias) + "\n";
    if (any_moe) {
        const MoeConfig& mc = m.moe;
        s += "D_FF = " + std::to_string(m.d_ff) + "  # each expert's hidden size\n";
        s += "N_EXPERTS = " + std::to_string(mc.experts) + "\n";
        if (any_dense) s += "MOE_LAYERS = " + int_list(moe_layers) + "  # the blocks whose FFN is an MoE\n";
        s += "GROUP_SIZE = " + std::to_string(mc.group_size) + "  # tokens per routing group; 0: the batch\n";
        if (mc.has_capacity()) {
            s += "CAPACITY_FACTOR = " + exact(mc.capacity_factor) + "  # training\n";
            s += "EVAL_CAPACITY_FACTOR = " + exact(mc.eval_capacity_factor) + "\n";
        }
        if (mc.router == RouterKind::Top2 && (mc.second_policy == SecondPolicy::Threshold ||
                                              mc.second_policy == SecondPolicy::Random))
            s += "SECOND_THRESHOLD = " + num(mc.second_threshold) + "\n";
        if (mc.router == RouterKind::NoisyTopK) s += "TOP_K = " + std::to_string(mc.k) + "\n";
    }
    s += "\n\n# ---- the model ----\n";
    norm_python(m, s);
    embedding_python(m, s);
    attention_python(m, s);
    ffn_python(m, s);
    if (any_moe) moe_python(m, s);
    block_python(m, any_moe, any_dense, s);
    model_python(m, any_moe && any_dense, s);
    s += kLoader;
    if (!weights_path.empty()) s += kJsonLoader;

    s += "# ---- the watched example: its tokens and the logits NoamLab computed for them (evaluation mode) ----\n";
    s += "WATCHED_TOKENS = " + int_list(w.tokens) + "\n";
    s += "CORE_LOGITS = " + logits_python(model.logits.data(), T, V) + "  # (T, V)\n";
    if (any_moe) {
        // the core's routing of the watched example: every processed (token, expert) and the capacity's refusals
        s += "# per MoE block: (token, expert) of every route NoamLab's router processed on it, sorted, and the routes its\n";
        s += "# capacity refused: the script's router must make the same decisions\n";
        s += "CORE_ROUTING = {\n";
        for (int l : moe_layers) {
            const Router& r = model.blocks[l].moe.router;
            std::vector<std::pair<int, int>> processed;
            for (int t = 0; t < T; t++)
                for (int i = 0; i < r.K; i++) {
                    const Route& route = r.routes[(size_t)t * r.K + i];
                    if (route.slot >= 0) processed.push_back({t, route.expert});
                }
            std::sort(processed.begin(), processed.end());
            s += "    " + std::to_string(l) + ": ([";
            for (size_t i = 0; i < processed.size(); i++)
                s += (i ? ", (" : "(") + std::to_string(processed[i].first) + ", " + std::to_string(processed[i].second) + ")";
            s += "], " + std::to_string(r.stats.tokens_dropped) + "),\n";
        }
        s += "}\n";
    }
    s += "TOLERANCE = 1e-4  # relative to the largest logit (at least 1): float32 sums in another order\n\n\n";
    s += "def main():\n";
    s += "    parser = argparse.ArgumentParser(description=\"The NoamLab run as a PyTorch model; checks its logits.\")\n";
    s += "    parser.add_argument(\"--run\", help=\"the .noamrun file to read the weights from\")\n";
    if (!weights_path.empty()) {
        s += "    parser.add_argument(\"--weights\", default=WEIGHTS_FILE, help=\"export-torch --weights-out JSON\")\n";
        s += "    args = parser.parse_args()\n";
        s += "    params = core_to_state_dict(read_noamrun(args.run)) if args.run else read_weights_json(args.weights)\n";
    } else {
        s += "    args = parser.parse_args()\n";
        s += "    params = core_to_state_dict(read_noamrun(args.run or RUN_FILE))\n";
    }
    s += R"PY(    model = TransformerLM()
    model.load_state_dict(params, strict=True)  # strict: every tensor of the module tree, none left over
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor([WATCHED_TOKENS]))[0]
    core = torch.tensor(CORE_LOGITS)
    diff = (logits - core).abs().max().item()
    tolerance = TOLERANCE * max(1.0, core.abs().max().item())
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{n_params} parameters; watched example of {len(WATCHED_TOKENS)} tokens: "
          f"max |logits - NoamLab's logits| = {diff:.3g} (tolerance {tolerance:.3g})")
)PY";
    if (any_moe)
        s += R"PY(    same_routing = True
    for layer, (processed, dropped) in CORE_ROUTING.items():
        moe = model.blocks[layer].moe
        same = moe.processed == processed and moe.dropped == dropped
        print(f"MoE block {layer}: {len(moe.processed)} routes processed, {moe.dropped} dropped by capacity: "
              + ("the same routing as NoamLab's" if same else
                 f"DIFFERENT from NoamLab's ({len(processed)} processed, {dropped} dropped)"))
        same_routing = same_routing and same
    if not same_routing:
        print("MISMATCH: the PyTorch router does not route as NoamLab's", file=sys.stderr)
        sys.exit(1)
)PY";
    s += R"PY(    if not diff <= tolerance:
        print("MISMATCH: the PyTorch model does not reproduce NoamLab's logits", file=sys.stderr)
        sys.exit(1)
    print("OK: the PyTorch model reproduces NoamLab's logits")


if __name__ == "__main__":
    main()


)PY";
    s += training_python(c, tr.step_count);

    Export e;
    e.script = std::move(s);
    if (!weights_path.empty()) {
        // the weights under the module's state_dict names, in torch's layouts (Linear weights transposed)
        nlohmann::json sd = nlohmann::json::object();
        for (const Param& p : model.params.params) {
            const float* v = model.params.values.data() + p.offset;
            const std::string stem = p.name.substr(0, p.name.rfind('.')), last = p.name.substr(p.name.rfind('.') + 1);
            std::string name = p.name;
            std::vector<int> shape = p.shape;
            std::vector<float> values(v, v + p.size);
            if (last == "w") {  // (in, out) -> (out, in)
                name = stem + ".weight";
                shape = {p.shape[1], p.shape[0]};
                for (int i = 0; i < p.shape[0]; i++)
                    for (int j = 0; j < p.shape[1]; j++) values[(size_t)j * p.shape[0] + i] = v[(size_t)i * p.shape[1] + j];
            } else if (last == "g") {
                name = stem + ".weight";
            } else if (last == "b") {
                name = stem + ".bias";
            }
            sd[name] = {{"shape", shape}, {"values", values}};
        }
        e.weights = {{"program", "noamlab export-torch"},
                     {"run", run_path},
                     {"step", tr.step_count},
                     {"config", run_config_to_json(c)},
                     {"tokens", w.tokens},
                     {"logits", std::vector<float>(model.logits.begin(), model.logits.begin() + (size_t)T * V)},
                     {"state_dict", sd}};
    }
    return e;
}

// ---- the command ----

int cmd_export_torch(const std::vector<std::string>& argv) {
    Args a = parse_args("export-torch", argv, {"--out", "--weights-out"}, {});
    if (a.has("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (a.positional.size() != 1) throw UsageError("expected one RUN.noamrun (see noamlab export-torch --help)");
    if (!a.has("--out")) throw UsageError("--out MODEL.py is required (see noamlab export-torch --help)");
    const std::string run_path = a.positional[0], out = a.get("--out", ""), weights_out = a.get("--weights-out", "");
    if (out.empty()) throw UsageError("--out needs a file name");
    if (a.has("--weights-out") && weights_out.empty()) throw UsageError("--weights-out needs a file name");
    if (!weights_out.empty() && weights_out == out) throw UsageError("--weights-out and --out name the same file");
    std::unique_ptr<Trainer> tr = load_run(run_path);  // every check of the run file, with its one-line messages
    const Export e = build_script(*tr, run_path, out, weights_out);
    if (!weights_out.empty()) write_file_atomic(weights_out, e.weights.dump() + "\n");
    write_file_atomic(out, e.script);
    std::printf("wrote %s (the run at step %d as a PyTorch model; python3 %s checks its logits)%s%s\n", out.c_str(),
                tr->step_count, out.c_str(), weights_out.empty() ? "" : " and ", weights_out.c_str());
    return 0;
}

}  // namespace noam::cli
