// Panel "Activations": the feed-forward activation functions act(z) over z in [-4, 4] (top) and their
// derivatives act'(z) (bottom), one colour per kind. A gated kind shows the activation of its gate
// (swiglu: swish, geglu: gelu, glu: sigmoid, reglu: relu, bilinear: identity). The curves come from core's
// ffn_activation / ffn_activation_grad: the very functions the model trains with.
#pragma once
#include <string>
#include <vector>

#include "ffn.h"
#include "line_plot.h"
#include "run_view.h"
#include "ui_context.h"

namespace noam::viz {

struct ActivationsPanel {
    static constexpr float kLo = -4.0f, kHi = 4.0f;
    static constexpr int kPoints = 321;   // a step of 0.025: the kinks of relu stay sharp

    std::vector<FfnKind> kinds;            // what the step asked for (set_kinds); the run's kind is added
    std::vector<FfnKind> shown;            // kinds plus the run's kind, computed for
    std::vector<std::string> labels;
    std::vector<float> z;                  // (kPoints,)
    std::vector<std::vector<float>> value, grad;  // (kinds, kPoints)
    LinePlot value_plot, grad_plot;

    ActivationsPanel();
    // names from a lesson's options ("relu", "swiglu" ...); unknown names are skipped (the loader checks them)
    void set_kinds(const std::vector<std::string>& names);
    void Draw(RunView& run, UiContext& ui);

private:
    void compute(const std::vector<FfnKind>& k);
};

// "swiglu (gate: swish)" for a gated kind, the kind's name otherwise
std::string activation_label(FfnKind k);

}  // namespace noam::viz
