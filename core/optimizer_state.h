// What an optimizer keeps, tensor by tensor (Adam's m and v, Adafactor's R and C or V, SGD's velocity), and how
// much memory that is: read from a live optimizer, or worked out from the parameter shapes and an OptimConfig
// alone (so Adam and Adafactor can be compared for a model without running both). Shazeer & Stern 2018,
// section 3: Adam keeps 2 n m floats for an n x m matrix, Adafactor n + m (plus n m with momentum).
#pragma once
#include <string>
#include <vector>

#include "config.h"
#include "optimizer.h"
#include "params.h"

namespace noam {

struct TensorState {
    std::string param;               // "blocks.0.ffn.w1.w"
    std::vector<int> shape;
    size_t params = 0;               // elements of the parameter
    std::vector<StateArray> arrays;  // what the optimizer keeps for it (data null in the analytic form)
    size_t floats() const;           // sum of the arrays' sizes
};

struct OptimizerMemory {
    std::string optimizer;            // its name(): "Adam", "AdamW", "Adafactor", "SGD+momentum" ...
    std::vector<TensorState> tensors;  // in parameter order
    size_t params = 0;                // all parameters
    size_t floats = 0;                // all state
    size_t bytes() const { return floats * sizeof(float); }
    double floats_per_param() const { return params ? (double)floats / params : 0.0; }
    std::vector<Param> shapes() const;  // the parameters' names and shapes (for the analytic form)
};

// the live optimizer's state (arrays point into it: valid while it lives and is not stepped)
OptimizerMemory optimizer_memory(const Optimizer& opt, const ParamStore& params);
// the state the optimizer of cfg would keep for parameters of these shapes (nothing is allocated)
OptimizerMemory optimizer_memory(const OptimConfig& cfg, const std::vector<Param>& shapes);
// Adam's state for the same parameters: the yardstick the memory panel and optimizer_memory_ratio compare with
OptimizerMemory adam_memory(const std::vector<Param>& shapes);

// The parameter names and shapes of the model a ModelConfig builds (vocab_size must be set). It builds the
// model once at batch 1: milliseconds for the lesson sizes (for a model-size knob's preview).
std::vector<Param> model_param_shapes(const ModelConfig& m);

}  // namespace noam
