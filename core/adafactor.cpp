// Adafactor and SGD with momentum.
#include "adafactor.h"

#include <algorithm>
#include <cmath>

namespace noam {

Adafactor::Adafactor(const ParamStore& params, const AdafactorSettings& settings) : s(settings) {
    size_t largest = 0;
    for (const Param& p : params.params) {
        Slot slot;
        slot.factored = p.is_matrix();
        if (slot.factored) {
            slot.rows = p.shape[0];
            slot.cols = p.shape[1];
            slot.R.assign(slot.rows, 0.0f);  // R_0 = 0
            slot.C.assign(slot.cols, 0.0f);  // C_0 = 0
        } else {
            slot.V.assign(p.size, 0.0f);
        }
        if (s.beta1 > 0) slot.M.assign(p.size, 0.0f);
        slots.push_back(std::move(slot));
        largest = std::max(largest, p.size);
    }
    update.assign(largest, 0.0f);
    last.alpha.assign(slots.size(), 0.0f);
    last.update_rms.assign(slots.size(), 0.0f);
    last.clipped.assign(slots.size(), 0);
}

static double rms(const float* x, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += (double)x[i] * x[i];
    return std::sqrt(sum / std::max<size_t>(n, 1));
}

void Adafactor::step(ParamStore& params, float lr, int t) {
    // beta2hat_t = 1 - t^-0.8 is 0 at t = 1 (the first estimate is G^2 itself): no bias correction is needed.
    // A fixed beta2 (an option, to show why) starts from R = C = 0 with weight 1 - beta2: Vhat is far too small
    // for the first steps and, uncorrected, the updates far too large.
    const double beta2hat = s.fixed_beta2 > 0 ? (double)s.fixed_beta2 : 1.0 - std::pow((double)t, -(double)s.decay_exponent);
    const double rho = s.relative_step ? std::min(1e-2, 1.0 / std::sqrt((double)t)) : lr;
    last.beta2hat = (float)beta2hat;
    last.rho = (float)rho;
    double u_sq_all = 0, alpha_all = 0, u_rms_max = 0;  // for the step's summary over all tensors
    int n_clipped = 0;
    for (size_t pi = 0; pi < params.params.size(); pi++) {
        const Param& p = params.params[pi];
        Slot& sl = slots[pi];
        float* X = params.values.data() + p.offset;
        const float* G = params.grads.data() + p.offset;
        float* U = update.data();
        // alpha_t = max(eps2, RMS(X_{t-1})) * rho_t   (relative step size)
        const double alpha = s.scale_parameter ? std::max((double)s.eps2, rms(X, p.size)) * rho : rho;
        if (sl.factored) {
            const int n = sl.rows, m = sl.cols;
            // R_t = beta2hat R_{t-1} + (1 - beta2hat) rowsum(G^2 + eps1) ; C_t likewise with column sums
            for (int i = 0; i < n; i++) {
                double row = 0;
                for (int j = 0; j < m; j++) row += (double)G[(size_t)i * m + j] * G[(size_t)i * m + j] + s.eps1;
                sl.R[i] = (float)(beta2hat * sl.R[i] + (1.0 - beta2hat) * row);
            }
            for (int j = 0; j < m; j++) {
                double col = 0;
                for (int i = 0; i < n; i++) col += (double)G[(size_t)i * m + j] * G[(size_t)i * m + j] + s.eps1;
                sl.C[j] = (float)(beta2hat * sl.C[j] + (1.0 - beta2hat) * col);
            }
            // Vhat_t = R_t C_t / sum(R_t) (rank 1) ;  U_t = G_t / sqrt(Vhat_t)
            double sum_r = 0;
            for (int i = 0; i < n; i++) sum_r += sl.R[i];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    const double vhat = (double)sl.R[i] * sl.C[j] / sum_r;
                    U[(size_t)i * m + j] = (float)(G[(size_t)i * m + j] / std::sqrt(vhat));
                }
            if ((int)pi == exact_tensor) {
                // the pictures' exact V_t = beta2hat V_{t-1} + (1 - beta2hat)(G^2 + eps1), and how far Vhat_t is from it
                for (size_t k = 0; k < p.size; k++)
                    V_exact[k] = (float)(beta2hat * V_exact[k] + (1.0 - beta2hat) * ((double)G[k] * G[k] + s.eps1));
                rank1_reconstruction(sl.R.data(), sl.C.data(), n, m, exact_vhat.data());
                last.exact_error = (float)relative_frobenius_error(exact_vhat.data(), V_exact.data(), p.size);
            }
        } else {
            // Vhat_t = beta2hat Vhat_{t-1} + (1 - beta2hat) (G^2 + eps1) ;  U_t = G_t / sqrt(Vhat_t)
            for (size_t i = 0; i < p.size; i++) {
                sl.V[i] = (float)(beta2hat * sl.V[i] + (1.0 - beta2hat) * ((double)G[i] * G[i] + s.eps1));
                U[i] = (float)(G[i] / std::sqrt((double)sl.V[i]));
            }
        }
        // Uhat_t = U_t / max(1, RMS(U_t) / d)   (update clipping)
        const double u_rms = rms(U, p.size);
        const double clip = std::max(1.0, u_rms / s.clip_threshold);
        last.update_rms[pi] = (float)u_rms;
        last.clipped[pi] = clip > 1.0;
        last.alpha[pi] = (float)alpha;
        u_sq_all += u_rms * u_rms * p.size;
        alpha_all += alpha * p.size;
        u_rms_max = std::max(u_rms_max, u_rms);
        n_clipped += clip > 1.0;
        for (size_t i = 0; i < p.size; i++) {
            float u = (float)(U[i] / clip);
            if (s.beta1 > 0) u = sl.M[i] = s.beta1 * sl.M[i] + (1.0f - s.beta1) * u;  // optional first moment
            X[i] -= (float)(alpha * u);  // X_t = X_{t-1} - alpha_t Uhat_t
        }
    }
    const double count = std::max<double>((double)params.count(), 1.0);
    last.update_rms_all = (float)std::sqrt(u_sq_all / count);
    last.update_rms_max = (float)u_rms_max;
    last.alpha_mean = (float)(alpha_all / count);
    last.clipped_fraction = slots.empty() ? 0.0f : (float)n_clipped / slots.size();
}

bool Adafactor::track_exact(int tensor, int t_done) {
    if (tensor < 0 || tensor >= (int)slots.size() || !slots[tensor].factored) {
        exact_tensor = -1;
        V_exact.clear();
        exact_vhat.clear();
        last.exact_error = -1;
        return tensor < 0;
    }
    if (tensor == exact_tensor) return true;
    const Slot& sl = slots[tensor];
    exact_tensor = tensor;
    exact_since = t_done;
    // from step 0 V_0 = 0 is exact; later the history of G^2 is gone, and V starts from today's estimate
    V_exact = t_done > 0 ? second_moment_estimate(tensor) : std::vector<float>((size_t)sl.rows * sl.cols, 0.0f);
    exact_vhat.assign(V_exact.size(), 0.0f);
    last.exact_error = t_done > 0 ? 0.0f : -1.0f;
    return true;
}

size_t Adafactor::state_floats() const {
    size_t n = 0;
    for (const Slot& sl : slots) n += sl.R.size() + sl.C.size() + sl.V.size() + sl.M.size();
    return n;
}

std::vector<float*> Adafactor::state_buffers() {
    std::vector<float*> b;
    for (Slot& sl : slots)
        for (auto* v : {&sl.R, &sl.C, &sl.V, &sl.M}) b.push_back(v->data());
    return b;
}

std::vector<size_t> Adafactor::state_sizes() const {
    std::vector<size_t> n;
    for (const Slot& sl : slots)
        for (const auto* v : {&sl.R, &sl.C, &sl.V, &sl.M}) n.push_back(v->size());
    return n;
}

std::vector<StateArray> Adafactor::tensor_state(const ParamStore& params, size_t i) const {
    const Slot& sl = slots[i];
    const std::vector<int>& shape = params.params[i].shape;
    std::vector<StateArray> a;
    if (sl.factored) {
        a.push_back({"R", {sl.rows}, sl.R.data()});
        a.push_back({"C", {sl.cols}, sl.C.data()});
    } else {
        a.push_back({"V", shape, sl.V.data()});
    }
    if (!sl.M.empty()) a.push_back({"M", shape, sl.M.data()});
    return a;
}

std::vector<float> Adafactor::second_moment_estimate(int i) const {
    const Slot& sl = slots[i];
    if (!sl.factored) return sl.V;
    std::vector<float> v((size_t)sl.rows * sl.cols);
    rank1_reconstruction(sl.R.data(), sl.C.data(), sl.rows, sl.cols, v.data());
    return v;
}

void row_col_sums(const float* V, int n, int m, float* R, float* C) {
    for (int j = 0; j < m; j++) C[j] = 0;
    for (int i = 0; i < n; i++) {
        double row = 0;
        for (int j = 0; j < m; j++) {
            row += V[(size_t)i * m + j];
            C[j] += V[(size_t)i * m + j];
        }
        R[i] = (float)row;
    }
}

void rank1_reconstruction(const float* R, const float* C, int n, int m, float* Vhat) {
    // Vhat_ij = R_i C_j / sum(R)
    double sum_r = 0;
    for (int i = 0; i < n; i++) sum_r += R[i];
    const double inv = sum_r > 0 ? 1.0 / sum_r : 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) Vhat[(size_t)i * m + j] = (float)((double)R[i] * C[j] * inv);
}

double relative_frobenius_error(const float* A, const float* B, size_t n) {
    double diff = 0, norm = 0;
    for (size_t k = 0; k < n; k++) {
        diff += ((double)A[k] - B[k]) * ((double)A[k] - B[k]);
        norm += (double)B[k] * B[k];
    }
    if (norm == 0) return diff == 0 ? 0.0 : INFINITY;
    return std::sqrt(diff / norm);
}

SGD::SGD(const ParamStore& params, float mu) : momentum(mu) {
    if (momentum > 0) v.assign(params.count(), 0.0f);  // plain SGD keeps nothing
}

std::vector<StateArray> SGD::tensor_state(const ParamStore& params, size_t i) const {
    const Param& p = params.params[i];
    if (momentum <= 0) return {};
    return {{"v", p.shape, v.data() + p.offset}};
}

void SGD::step(ParamStore& params, float lr, int t) {
    for (size_t i = 0; i < params.values.size(); i++) {
        const float g = params.grads[i];
        if (momentum > 0) {
            v[i] = momentum * v[i] + g;  // v = mu v + g
            params.values[i] -= lr * v[i];
        } else {
            params.values[i] -= lr * g;
        }
    }
}

}  // namespace noam
