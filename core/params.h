// Parameters and their gradients, each one contiguous block allocated once (llm.c style).
// Layers ask the store for named tensors at construction; optimizers and checkpoints walk the flat block.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace noam {

struct Param {
    std::string name;          // e.g. "blocks.0.attn.wq"
    std::vector<int> shape;    // row-major, e.g. {d_in, d_out}
    size_t offset = 0;         // into ParamStore::values / grads
    size_t size = 0;           // product of shape
    bool is_matrix() const { return shape.size() == 2; }
};

struct ParamStore {
    std::vector<Param> params;
    std::vector<float> values;  // all parameters, one block
    std::vector<float> grads;   // all gradients, same layout

    // Two phases: declare() every tensor (layers remember the index), then allocate() once.
    int declare(const std::string& name, std::vector<int> shape);
    void allocate();
    float* w(int index) { return values.data() + params[index].offset; }
    float* g(int index) { return grads.data() + params[index].offset; }
    const float* w(int index) const { return values.data() + params[index].offset; }
    const float* g(int index) const { return grads.data() + params[index].offset; }
    int find(const std::string& name) const;  // -1 if absent
    size_t count() const { return values.size(); }
    void zero_grad();
};

}  // namespace noam
