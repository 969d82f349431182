// Optimizer state, live and worked out from shapes.
#include "optimizer_state.h"

#include "rng.h"
#include "transformer.h"

namespace noam {

size_t TensorState::floats() const {
    size_t n = 0;
    for (const StateArray& a : arrays) n += a.size();
    return n;
}

std::vector<Param> OptimizerMemory::shapes() const {
    std::vector<Param> ps;
    for (const TensorState& t : tensors) {
        Param p;
        p.name = t.param;
        p.shape = t.shape;
        p.size = t.params;
        ps.push_back(p);
    }
    return ps;
}

static void add_tensor(OptimizerMemory& mem, const Param& p, std::vector<StateArray> arrays) {
    TensorState t{p.name, p.shape, p.size, std::move(arrays)};
    mem.params += t.params;
    mem.floats += t.floats();
    mem.tensors.push_back(std::move(t));
}

OptimizerMemory optimizer_memory(const Optimizer& opt, const ParamStore& params) {
    OptimizerMemory mem;
    mem.optimizer = opt.name();
    for (size_t i = 0; i < params.params.size(); i++) add_tensor(mem, params.params[i], opt.tensor_state(params, i));
    return mem;
}

OptimizerMemory optimizer_memory(const OptimConfig& cfg, const std::vector<Param>& shapes) {
    OptimizerMemory mem;
    mem.optimizer = make_optimizer(cfg, ParamStore{})->name();  // an optimizer of no parameters: its name only
    for (const Param& p : shapes) {
        std::vector<StateArray> a;
        if (cfg.kind == "adafactor") {
            // matrices: R (n) and C (m); vectors: the full V; momentum M when beta1 > 0
            if (p.is_matrix()) {
                a.push_back({"R", {p.shape[0]}});
                a.push_back({"C", {p.shape[1]}});
            } else {
                a.push_back({"V", p.shape});
            }
            if (cfg.beta1 > 0) a.push_back({"M", p.shape});
        } else if (cfg.kind == "sgd") {
            if (cfg.momentum > 0) a.push_back({"v", p.shape});
        } else {  // adam, adamw: first and second moments, each the parameter's shape
            a.push_back({"m", p.shape});
            a.push_back({"v", p.shape});
        }
        add_tensor(mem, p, std::move(a));
    }
    return mem;
}

OptimizerMemory adam_memory(const std::vector<Param>& shapes) {
    OptimConfig adam;
    adam.kind = "adam";
    return optimizer_memory(adam, shapes);
}

std::vector<Param> model_param_shapes(const ModelConfig& m) {
    Rng rng(1);
    const TransformerLM model(m, 1, rng);
    return model.params.params;
}

}  // namespace noam
