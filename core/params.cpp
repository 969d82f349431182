// ParamStore: declare named tensors, then allocate one block for values and one for gradients.
#include "params.h"

#include <algorithm>
#include <stdexcept>

namespace noam {

int ParamStore::declare(const std::string& name, std::vector<int> shape) {
    if (!values.empty()) throw std::logic_error("ParamStore::declare after allocate: " + name);
    Param p;
    p.name = name;
    p.size = 1;
    for (int d : shape) {
        if (d <= 0) throw std::invalid_argument("parameter " + name + " has a non-positive dimension");
        p.size *= (size_t)d;
    }
    p.shape = std::move(shape);
    p.offset = params.empty() ? 0 : params.back().offset + params.back().size;
    params.push_back(p);
    return (int)params.size() - 1;
}

void ParamStore::allocate() {
    size_t n = params.empty() ? 0 : params.back().offset + params.back().size;
    values.assign(n, 0.0f);
    grads.assign(n, 0.0f);
}

int ParamStore::find(const std::string& name) const {
    for (size_t i = 0; i < params.size(); i++)
        if (params[i].name == name) return (int)i;
    return -1;
}

void ParamStore::zero_grad() { std::fill(grads.begin(), grads.end(), 0.0f); }

}  // namespace noam
