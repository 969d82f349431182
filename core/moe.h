// The sparsely-gated Mixture-of-Experts layer (Shazeer et al. 2017), in place of a block's FFN:
//   y = sum_i G(x)_i E_i(x), experts with G(x)_i = 0 not computed.
// The router (core/moe_router.h) picks each token's experts and gates; dispatch copies the tokens into the experts'
// buffers; each expert is a FFN of the model's kind (core/ffn.h) run on its own rows; combine sums the gated outputs
// back per token. A token no expert processed (dropped past capacity) gets y = 0: the residual carries it.
// Dimension letters: N tokens, D d_model, E experts, K routes per token.
#pragma once
#include <string>
#include <vector>

#include "config.h"
#include "ffn.h"
#include "moe_router.h"

namespace noam {

struct MoE {
    MoeConfig cfg;
    int d_model = 0, max_rows = 0;
    Router router;
    std::vector<FFN> experts;         // (E)
    // dispatch buffers at their largest (every token at one expert), sized once
    std::vector<float> expert_in;     // (E,N,D) the tokens each expert processes, row = slot
    std::vector<float> expert_out;    // (E,N,D) E_e(x) of each of them
    std::vector<float> d_expert_out;  // (E,N,D)
    std::vector<float> d_expert_in;   // (E,N,D)
    std::vector<float> d_gate;        // (N,K) d(objective) / d(route gate)
    int n = 0;
    double routing_seconds = 0;  // accumulated time in the router, dispatch and combine (forward and backward)

    // name: e.g. "blocks.1.moe"; the experts are FFNs of model.ffn with model.d_ff hidden units
    void declare(ParamStore& ps, const std::string& name, const ModelConfig& model);
    void reserve(int rows);
    void init(Rng& rng, float init_scale);
    void set_training(bool on) { router.training = on; }
    void draw(Rng& rng, int rows) { router.draw(rng, rows); }  // a training forward's random draws
    // y (rows,D) = MoE(x); router.stats holds the routing statistics and the auxiliary losses
    void forward(const float* x, float* y, int rows);
    // dx (rows,D) += d(objective)/dx for dy = d(objective)/dy, the auxiliary losses' gradients included
    void backward(const float* dy, float* dx);
    double aux_loss() const { return router.stats.aux; }  // what this layer adds to the objective
    const float* expert_row(int e, int slot) const {
        return expert_out.data() + ((size_t)e * max_rows + slot) * d_model;
    }
};

}  // namespace noam
