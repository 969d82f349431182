// Panel "Forward pass": the attention layer of a tiny model walked through one sub-step per key press
// (X -> Q, K, V -> QKᵀ -> /√dₖ -> mask -> softmax -> ·V -> W_O). The equation sits on top with the term
// being computed highlighted; below, the sub-step's matrices as grids with their numbers, inputs on the left,
// result on the right. Hover a result cell: the cells that produced it light up and a tooltip writes out the
// sum; click it to keep that sum on screen. The numbers come from core/attention_stepper (Attention::forward).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "attention_stepper.h"
#include "layout.h"
#include "ui_context.h"

namespace noam::viz {

struct StepperPanel {
    // ---- knobs: changing one rebuilds the example (the sub-step stays where it is)
    StepperConfig config;            // tokens, d_model 8, 2 heads, d_k 4, causal, scaled, seed 1
    bool show_knobs = true;          // a lesson may hide them
    bool show_nav = true;            // the ◀ ▶ Restart buttons and the counter

    // ---- view state
    int step = 0;                    // the current sub-step, 0 .. step_count() - 1
    int head = 0;                    // whose matrices are shown when there are several heads
    int pinned_row = -1, pinned_col = -1;  // a result cell clicked (its sum stays below the matrices)

    // ---- the lesson player drives these (arrow keys); the panel's own buttons call them too
    void next();
    void prev();
    void reset();                    // back to the first sub-step, nothing pinned
    void set_step(int i);
    int step_count();

    // Walk through an existing layer instead of the seeded example (weights are copied; d_k, heads and seed
    // are then the layer's and their knobs are disabled). x: (T, d_model) for one sequence.
    void use_layer(const Attention& layer, const float* x, int T, std::vector<std::string> tokens);
    void use_seeded();               // back to the example built from config
    void rebuild() { dirty_ = true; }

    // Its own window "Forward pass" (the app places it with SetNextWindowPos/Size, like the other panels).
    void Draw(UiContext& ui);
    // Into the current window: the lesson player's step view.
    void DrawContents(UiContext& ui);
    // Into a child region at r (screen pixels).
    void DrawInto(UiContext& ui, Rect r);

    const AttentionStepper* stepper() { ensure_built(); return stepper_.get(); }
    const std::string& error() const { return error_; }  // why the last rebuild failed ("" if it did not)

private:
    void ensure_built();
    std::unique_ptr<AttentionStepper> stepper_;
    bool use_layer_ = false;         // stepper_ came from use_layer(): only the mask and scale knobs re-run it
    bool dirty_ = true;
    std::string error_;
    // what the stepper was built with, to see when a knob moved
    StepperConfig built_config_;
};

}  // namespace noam::viz
