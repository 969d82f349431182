// The forward-pass stepper panel: equation, sub-step navigation, knobs, the matrices with their numbers,
// provenance on hover.
//
// Index
//   [SECTION] Navigation and rebuilding
//   [SECTION] Colours and the number grid
//   [SECTION] The equation, with its terms linked to the matrices
//   [SECTION] The matrices of a sub-step: layout, hover, drawing
//   [SECTION] Draw / DrawContents / DrawInto
#include "panel_stepper.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "colormap.h"
#include "i18n.h"
#include "theme.h"

namespace noam::viz {

// ============================================================================ [SECTION] Navigation and rebuilding

namespace {

bool same_config(const StepperConfig& a, const StepperConfig& b) {
    return a.tokens == b.tokens && a.d_model == b.d_model && a.n_heads == b.n_heads && a.d_k == b.d_k &&
           a.causal == b.causal && a.scale == b.scale && a.seed == b.seed;
}

}  // namespace

void StepperPanel::ensure_built() {
    if (use_layer_ && stepper_) {
        if (stepper_->causal() != config.causal || stepper_->scaled() != config.scale)
            stepper_->set_causal_and_scale(config.causal, config.scale);
    } else if (dirty_ || !stepper_ || !same_config(config, built_config_)) {
        try {
            stepper_ = std::make_unique<AttentionStepper>(AttentionStepper::seeded(config));
            error_.clear();
        } catch (const std::exception& e) {
            error_ = e.what();  // keep the previous example on screen
        }
        built_config_ = config;
    }
    dirty_ = false;
    if (stepper_) {
        step = std::clamp(step, 0, stepper_->step_count() - 1);
        head = std::clamp(head, 0, stepper_->n_heads() - 1);
        const StepMatrix& out = stepper_->step_output(step, head);
        if (pinned_row >= out.rows || pinned_col >= out.cols) pinned_row = pinned_col = -1;
    }
}

int StepperPanel::step_count() {
    ensure_built();
    return stepper_ ? stepper_->step_count() : 0;
}

void StepperPanel::set_step(int i) {
    const int n = step_count();
    const int s = std::clamp(i, 0, std::max(0, n - 1));
    if (s != step) pinned_row = pinned_col = -1;  // another result matrix: the old cell means nothing there
    step = s;
}

void StepperPanel::next() { set_step(step + 1); }
void StepperPanel::prev() { set_step(step - 1); }

void StepperPanel::reset() {
    step = 0;
    pinned_row = pinned_col = -1;
}

void StepperPanel::use_layer(const Attention& layer, const float* x, int T, std::vector<std::string> tokens) {
    try {
        stepper_ = std::make_unique<AttentionStepper>(AttentionStepper::from_layer(layer, x, T, std::move(tokens)));
        use_layer_ = true;
        config.causal = stepper_->causal();
        config.scale = stepper_->scaled();
        error_.clear();
    } catch (const std::exception& e) {
        error_ = e.what();
    }
    reset();
}

void StepperPanel::use_seeded() {
    use_layer_ = false;
    dirty_ = true;
    reset();
}

// ============================================================================ [SECTION] Colours and the number grid

namespace {

ImFont* or_default(ImFont* f) { return f ? f : ImGui::GetFont(); }

// Scores before and after the scale share one colour range, so dividing by √dₖ visibly pales them.
float colour_range(const AttentionStepper& s, const StepMatrix& m) {
    if (m.probability) return 1.0f;
    const StepMatrix& src = (m.term == Term::Scaled || m.term == Term::Masked) ? s.matrix(Term::Scores, m.head) : m;
    float r = 0;
    for (float v : src.values)
        if (std::isfinite(v)) r = std::max(r, std::fabs(v));
    return r > 0 ? r : 1.0f;
}

Rgb cell_rgb(const StepMatrix& m, float v, float range) {
    if (std::isinf(v)) {  // a masked score (-inf): the theme's masked colour
        const uint32_t c = palette().masked;
        return {(c & 0xFF) / 255.f, ((c >> 8) & 0xFF) / 255.f, ((c >> 16) & 0xFF) / 255.f};
    }
    return m.probability ? map_value(ColorScale::Sequential, v, 0.0f, 1.0f)
                         : map_value(ColorScale::Diverging, v, -range, range);
}

struct CellMarks {
    std::vector<char> source;     // (rows, cols): produced the hovered result cell
    bool any_source = false;
    int hot_row = -1, hot_col = -1;  // the hovered (or pinned) result cell
};

// A matrix as a grid of coloured cells with their numbers. p0: top-left of cell (0, 0).
void draw_grid(ImDrawList* dl, const StepMatrix& m, ImVec2 p0, float cw, float ch, ImFont* font, float font_size,
               bool numbers, float range, const CellMarks* marks) {
    const Palette& pal = palette();
    const float gap = std::max(1.0f, std::floor(cw * 0.04f));
    for (int r = 0; r < m.rows; r++)
        for (int c = 0; c < m.cols; c++) {
            const float v = m.at(r, c);
            const ImVec2 a(p0.x + c * cw, p0.y + r * ch), z(a.x + cw - gap, a.y + ch - gap);
            const Rgb bg = cell_rgb(m, v, range);
            dl->AddRectFilled(a, z, pack_rgba(bg));
            const bool dimmed = marks && marks->any_source && !marks->source[(size_t)r * m.cols + c];
            if (numbers) {
                const std::string s = format_2dp(v);
                const ImVec2 ts = font->CalcTextSizeA(font_size, FLT_MAX, 0, s.c_str());
                const Rgb fg = std::isinf(v) ? Rgb{0.6f, 0.63f, 0.7f} : contrast_text(bg);
                dl->AddText(font, font_size, ImVec2(a.x + (cw - gap - ts.x) * 0.5f, a.y + (ch - gap - ts.y) * 0.5f),
                            pack_rgba(fg), s.c_str());
            }
            if (dimmed) dl->AddRectFilled(a, z, pal.dim);
        }
    if (!marks) return;
    // outlines after all fills, so a neighbour never paints over them
    const float t = std::max(2.0f, font_size * 0.14f);
    if (marks->any_source)
        for (int r = 0; r < m.rows; r++)
            for (int c = 0; c < m.cols; c++)
                if (marks->source[(size_t)r * m.cols + c]) {
                    const ImVec2 a(p0.x + c * cw, p0.y + r * ch), z(a.x + cw - gap, a.y + ch - gap);
                    dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(z.x + 1, z.y + 1), pal.warn, 0, 0, t);
                }
    if (marks->hot_row >= 0 && marks->hot_col >= 0) {
        const ImVec2 a(p0.x + marks->hot_col * cw, p0.y + marks->hot_row * ch), z(a.x + cw - gap, a.y + ch - gap);
        dl->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(z.x + 2, z.y + 2), with_alpha(pal.plot_bg, 200), 0, 0, t + 2);
        dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(z.x + 1, z.y + 1), pal.warn, 0, 0, t);
    }
}

// A small copy of a matrix inside a tooltip (hovering an equation term whose matrix is not on screen).
void matrix_tooltip(const AttentionStepper& s, const StepMatrix& m, ImFont* mono) {
    ImGui::BeginTooltip();
    ImGui::Text("%s   (%d × %d)", m.label.c_str(), m.rows, m.cols);
    const float fsz = mono->FontSize * 0.8f;
    const float cw = mono->CalcTextSizeA(fsz, FLT_MAX, 0, "−0.00").x + fsz * 0.5f, ch = fsz * 1.4f;
    const bool numbers = m.rows <= 16 && m.cols <= 16;
    const float k = numbers ? 1.0f : 0.35f;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    draw_grid(ImGui::GetWindowDrawList(), m, p0, cw * k, ch * k, mono, fsz, numbers, colour_range(s, m), nullptr);
    ImGui::Dummy(ImVec2(m.cols * cw * k, m.rows * ch * k));
    ImGui::EndTooltip();
}

// Breaks a provenance sum into lines no wider than max_w, only before a " + " (never inside a number:
// ImGui's word wrap would break "−1.26" after its point).
std::string wrap_sum(const std::string& text, ImFont* f, float size, float max_w) {
    auto width = [&](const std::string& t) { return f->CalcTextSizeA(size, FLT_MAX, 0, t.c_str()).x; };
    std::string out;
    size_t line_start = 0;
    while (line_start <= text.size()) {
        size_t nl = text.find('\n', line_start);
        if (nl == std::string::npos) nl = text.size();
        const std::string line = text.substr(line_start, nl - line_start);
        std::string cur;
        size_t pos = 0;
        while (pos < line.size()) {
            size_t next = line.find(" + ", pos + 1);
            if (next == std::string::npos) next = line.size();
            const std::string piece = line.substr(pos, next - pos);  // starts with " + " after the first
            if (!cur.empty() && width(cur + piece) > max_w) {
                out += cur + "\n";
                cur = "    " + piece.substr(1);  // the "+ " leads the continued line
            } else {
                cur += piece;
            }
            pos = next;
        }
        out += cur;
        if (nl >= text.size()) break;
        out += "\n";
        line_start = nl + 1;
    }
    return out;
}

// ============================================================================ [SECTION] The equation

struct EqSegment {
    std::string text;
    bool linked = false;  // a term with a matrix
    Term term = Term::X;
    bool off = false;     // a switched-off part (no scale, no mask): drawn dim
};

EqSegment seg(const std::string& t) { return {t, false, Term::X, false}; }
EqSegment seg(const std::string& t, Term term, bool off = false) { return {t, true, term, off}; }

// One line of the equation. Segments whose term is `current` get the accent; the hovered one is returned.
bool draw_equation_line(const std::vector<EqSegment>& segs, ImFont* font, Term current, bool current_valid,
                        Term* hovered, UiContext& ui) {
    const Palette& pal = palette();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float size = font->FontSize, pad = size * 0.12f;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 mp = ImGui::GetIO().MousePos;
    const bool window_hovered = ImGui::IsWindowHovered();
    float x = p0.x;
    bool any = false;
    for (const EqSegment& s : segs) {
        if (ui.fonts) ui.fonts->request_text(s.text);
        const ImVec2 ts = font->CalcTextSizeA(size, FLT_MAX, 0, s.text.c_str());
        const ImVec2 a(x, p0.y), z(x + ts.x, p0.y + size);
        const bool active = s.linked && current_valid && s.term == current;
        const bool hov = s.linked && window_hovered && mp.x >= a.x && mp.x < z.x && mp.y >= a.y - pad && mp.y < z.y + pad;
        if (active) dl->AddRectFilled(ImVec2(a.x - pad, a.y - pad), ImVec2(z.x + pad, z.y + pad), pal.accent_soft, pad * 2);
        ImU32 col = ImGui::GetColorU32(ImGuiCol_Text);
        if (s.off) col = pal.text_dim;
        if (active) col = pal.title;
        dl->AddText(font, size, a, col, s.text.c_str());
        if (s.off) dl->AddLine(ImVec2(a.x, a.y + size * 0.55f), ImVec2(z.x, a.y + size * 0.55f), pal.text_dim, 1.5f);
        if (hov) {
            dl->AddLine(ImVec2(a.x, z.y + 1), ImVec2(z.x, z.y + 1), pal.accent, 2.0f);
            *hovered = s.term;
            any = true;
        }
        x += ts.x;
    }
    ImGui::Dummy(ImVec2(x - p0.x, size + pad));
    return any;
}

// ============================================================================ [SECTION] The matrices of a sub-step

struct Item {
    const StepMatrix* m = nullptr;  // null: an operator
    std::string op;
    bool output = false;
    float x = 0, w = 0;             // relative to the row's left edge, after fitting
    ImVec2 cells0;                  // screen position of cell (0, 0)
};

Item matrix_item(const StepMatrix* m, bool output) {
    Item it;
    it.m = m;
    it.output = output;
    return it;
}

Item operator_item(const std::string& op) {
    Item it;
    it.op = op;
    return it;
}

const char* operator_between_inputs(Term out) {
    switch (out) {
        case Term::Q: case Term::K: case Term::V: case Term::Scores: case Term::Head: case Term::Output: return "×";
        case Term::Masked: return "+";
        case Term::Concat: return "|";
        default: return "";
    }
}

std::string operator_before_output(const AttentionStepper& s, Term out) {
    char buf[64];
    switch (out) {
        case Term::Scaled:
            if (!s.scaled()) return "/ 1  =";
            std::snprintf(buf, sizeof buf, "/ √%d  =", s.d_k());
            return buf;
        case Term::Probs: return "softmax →";
        case Term::X: return "";
        default: return "=";
    }
}

}  // namespace

void StepperPanel::DrawContents(UiContext& ui) {
    ensure_built();
    const Palette& pal = palette();
    const ImGuiStyle& st = ImGui::GetStyle();
    if (!stepper_) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.error), tr("No example: %s"), error_.c_str());
        return;
    }
    const AttentionStepper& s = *stepper_;
    const SubStep& sub = s.step(step);
    ImFont* regular = or_default(ui.fonts ? ui.fonts->regular : nullptr);
    ImFont* mono = or_default(ui.fonts ? ui.fonts->mono : nullptr);
    ImFont* heading = or_default(ui.fonts ? ui.fonts->heading : nullptr);
    ImFont* small = or_default(ui.fonts ? ui.fonts->small : nullptr);
    const float fs = ImGui::GetFontSize();
    if (ui.fonts) {
        for (const auto& t : s.tokens()) ui.fonts->request_text(t);
        ui.fonts->request_text("−∞·×→√ᵀₖⱼΣ₀₁₂₃₄₅₆₇₈₉ᵢ…◀▶");
    }

    // ---- the equation: its terms are linked to the matrices
    const int H = s.n_heads();
    Term eq_hovered = Term::X;
    bool eq_any = false;
    const ImVec2 eq0 = ImGui::GetCursorScreenPos();
    {
        // "Attention" is the head it computes; the last V is the value matrix itself
        std::vector<EqSegment> a = {seg("Attention", Term::Head), seg("("), seg("Q", Term::Q), seg(", "),
                                    seg("K", Term::K), seg(", "), seg("V", Term::V), seg(") = "),
                                    seg("softmax(", Term::Probs), seg("QKᵀ", Term::Scores),
                                    seg(" / √dₖ", Term::Scaled, !s.scaled()), seg(" + M", Term::Masked, !s.causal()),
                                    seg(")", Term::Probs), seg(" "), seg("V", Term::V)};
        eq_any |= draw_equation_line(a, heading, sub.output, true, &eq_hovered, ui);
        std::vector<EqSegment> b = {seg("X", Term::X), seg(tr(" = the input,   ")), seg("Q = X W_Q", Term::Q), seg(",   "),
                                    seg("K = X W_K", Term::K), seg(",   "), seg("V = X W_V", Term::V), seg(";   ")};
        if (H > 1) {
            std::string heads = "Concat(";
            for (int h = 0; h < H; h++) heads += (h ? ", head" : "head") + subscript(h + 1);
            b.push_back(seg("Y = ", Term::Output));
            b.push_back(seg(heads + ")", Term::Concat));
            b.push_back(seg(" W_O", Term::Output));
        } else {
            b.push_back(seg("Y = head W_O", Term::Output));
        }
        eq_any |= draw_equation_line(b, regular, sub.output, true, &eq_hovered, ui);
    }
    const float eq_bottom = ImGui::GetCursorScreenPos().y;
    if (ui.regions)
        ui.regions->record("stepper_equation", {eq0.x, eq0.y, ImGui::GetContentRegionAvail().x, ImGui::GetCursorScreenPos().y - eq0.y});
    ImGui::Separator();

    // ---- navigation, the sub-step's own equation and what it means
    if (show_nav) {
        const float bh = ImGui::GetFrameHeight();
        if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) prev();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("previous sub-step"));
        ImGui::SameLine(0, st.ItemInnerSpacing.x);
        char counter[32];
        std::snprintf(counter, sizeof counter, "%d / %d", step + 1, s.step_count());
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(counter);
        ImGui::SameLine(0, st.ItemInnerSpacing.x);
        if (ImGui::ArrowButton("##next", ImGuiDir_Right)) next();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("next sub-step"));
        ImGui::SameLine();
        if (ImGui::Button((std::string(tr("Restart")) + "###restart").c_str(), ImVec2(0, bh))) reset();
        ImGui::SameLine(0, fs * 1.2f);
    }
    {
        ImGui::PushFont(heading);
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(150 / 255.f, 196 / 255.f, 1.0f, 1.0f));
        const std::string title = sub.equation + (sub.per_head && H > 1 ? "   (" + std::string(tr("head")) + " " + std::to_string(head + 1) + ")" : "");
        if (ui.fonts) ui.fonts->request_text(title);
        ImGui::TextUnformatted(title.c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
    }
    if (ui.fonts) ui.fonts->request_text(sub.explanation);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(sub.explanation.c_str());
    ImGui::PopTextWrapPos();

    // ---- knobs, in groups that wrap to the next line when the panel is narrow
    if (show_knobs) {
        const float gap = fs * 1.2f, box = ImGui::GetFrameHeight() + st.ItemInnerSpacing.x;
        auto text_w = [](const char* t) { return ImGui::CalcTextSize(t, nullptr, true).x; };
        auto same_line_if_room = [&](float next_w) {
            const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
            if (ImGui::GetItemRectMax().x + gap + next_w <= right) ImGui::SameLine(0, gap);
        };
        ImGui::BeginDisabled(use_layer_);
        ImGui::SetNextItemWidth(fs * 7);
        ImGui::SliderInt("dₖ", &config.d_k, 2, 16);
        config.d_k = std::clamp(config.d_k, 2, 16);  // Ctrl+click can type any number
        if (ImGui::IsItemHovered()) ImGui::SetTooltip(tr("numbers per query and key (d_model stays %d)"), s.d_model());
        same_line_if_room(text_w(tr("heads")) + 2 * (box + text_w("2") + st.ItemSpacing.x));
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(tr("heads"));
        ImGui::SameLine();
        ImGui::RadioButton("1##h1", &config.n_heads, 1);
        ImGui::SameLine();
        ImGui::RadioButton("2##h2", &config.n_heads, 2);
        ImGui::EndDisabled();
        same_line_if_room(box + text_w(tr("scale by 1/√dₖ")));
        ImGui::Checkbox((std::string(tr("scale by 1/√dₖ")) + "###scale").c_str(), &config.scale);
        same_line_if_room(box + text_w(tr("causal mask")));
        ImGui::Checkbox((std::string(tr("causal mask")) + "###causal").c_str(), &config.causal);
        same_line_if_room(fs * 6.5f + st.ItemInnerSpacing.x + text_w(tr("seed")));
        ImGui::BeginDisabled(use_layer_);
        int seed = (int)config.seed;
        ImGui::SetNextItemWidth(fs * 6.5f);
        if (ImGui::InputInt((std::string(tr("seed")) + "###seed").c_str(), &seed, 1, 10)) config.seed = (uint64_t)std::max(0, seed);
        ImGui::EndDisabled();
        if (H > 1) {
            same_line_if_room(text_w(tr("show")) + H * (box + text_w(tr("head 1")) + st.ItemSpacing.x));
            ImGui::AlignTextToFramePadding();
            ImGui::TextDisabled("%s", tr("show"));
            for (int h = 0; h < H; h++) {
                ImGui::SameLine();
                char label[32];
                std::snprintf(label, sizeof label, "%s %d###show%d", tr("head"), h + 1, h);
                ImGui::RadioButton(label, &head, h);
            }
        }
    }
    if (!error_.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.error), "%s", error_.c_str());
    ImGui::Spacing();

    // ---- the matrices: inputs, operators, result; fitted into what is left above the sum line
    std::vector<Item> items;
    const std::vector<const StepMatrix*> inputs = s.step_inputs(step, head);
    for (size_t i = 0; i < inputs.size(); i++) {
        if (i > 0) items.push_back(operator_item(operator_between_inputs(sub.output)));
        items.push_back(matrix_item(inputs[i], false));
    }
    const StepMatrix& out = s.step_output(step, head);
    const std::string before_out = operator_before_output(s, sub.output);
    if (!before_out.empty()) items.push_back(operator_item(before_out));
    items.push_back(matrix_item(&out, true));

    const ImVec2 area0 = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    // under the matrices: the kept sum (as many lines as it wraps to) and the line on where the numbers come from
    auto kept_sum = [&](std::string* caption) -> std::string {
        if (pinned_row < 0 || pinned_row >= out.rows || pinned_col < 0 || pinned_col >= out.cols) return "";
        const Provenance pp = s.provenance(step, head, pinned_row, pinned_col);
        if (caption) *caption = pp.caption;
        return wrap_sum(pp.text, heading, heading->FontSize, avail.x);
    };
    const std::string kept = kept_sum(nullptr);
    const float kept_h = kept.empty() ? 0 : heading->CalcTextSizeA(heading->FontSize, FLT_MAX, 0, kept.c_str()).y;
    const float sum_lines_h = regular->FontSize * 1.5f + kept_h + small->FontSize + st.ItemSpacing.y * 4;
    const float area_w = avail.x, area_h = std::max(fs * 6, avail.y - sum_lines_h);

    // cell size: the largest font whose grid fits at its own size (bold 22 px, regular 16, mono 15 at scale 1,
    // so a projector gets the bold digits when there is room), else the mono font shrunk to fit
    bool any_token_cols = false;
    int max_rows = 0;
    for (const Item& it : items)
        if (it.m) {
            any_token_cols |= it.m->cols_are_tokens;
            max_rows = std::max(max_rows, it.m->rows);
        }
    const float title_h = regular->FontSize * 1.35f;
    const float op_pad = fs * 0.6f, item_gap = fs * 0.6f;
    float fixed_w = 0;
    for (const Item& it : items)
        fixed_w += it.m ? item_gap : regular->CalcTextSizeA(regular->FontSize, FLT_MAX, 0, it.op.c_str()).x + 2 * op_pad;
    struct Fit {
        ImFont* font = nullptr;
        float k = 1, cw0 = 0, ch0 = 0, label_w0 = 0;
    };
    auto fit_with = [&](ImFont* f) {
        Fit r;
        r.font = f;
        const float size = f->FontSize;
        float num_w = f->CalcTextSizeA(size, FLT_MAX, 0, "−0.00").x;
        for (const Item& it : items)
            if (it.m)
                for (float v : it.m->values) num_w = std::max(num_w, f->CalcTextSizeA(size, FLT_MAX, 0, format_2dp(v).c_str()).x);
        for (const auto& t : s.tokens()) r.label_w0 = std::max(r.label_w0, f->CalcTextSizeA(size, FLT_MAX, 0, t.c_str()).x);
        r.label_w0 += size * 0.8f;
        r.cw0 = num_w + size * 0.7f;
        r.ch0 = size * 1.6f;
        float sw = 0;
        for (const Item& it : items)
            if (it.m) sw += it.m->cols * r.cw0 + (it.m->rows_are_tokens ? r.label_w0 : 0);
        const float sh = max_rows * r.ch0 + (any_token_cols ? size * 1.3f : 0);
        r.k = std::min((area_w - fixed_w) / std::max(1.0f, sw), (area_h - title_h) / std::max(1.0f, sh));
        return r;
    };
    Fit fit = fit_with(mono);
    for (ImFont* f : {heading, regular}) {
        const Fit c = fit_with(f);
        if (c.k >= 1.0f) {
            fit = c;
            break;
        }
    }
    ImFont* cell_f = fit.font;
    const float k = std::clamp(fit.k, 0.15f, 1.0f);
    const bool numbers = k >= 0.55f;  // below that the digits would not be legible: colours only, values on hover
    const float cw = fit.cw0 * k, ch = fit.ch0 * k, label_w = fit.label_w0 * std::max(k, 0.55f);
    const float cell_font = cell_f->FontSize * std::max(k, 0.55f);
    const float col_label_h = any_token_cols ? cell_font * 1.3f : 0;

    // positions: items side by side, centred if there is room; cells top-aligned so token rows line up
    float total_w = 0;
    for (Item& it : items) {
        it.x = total_w;
        if (it.m) it.w = it.m->cols * cw + (it.m->rows_are_tokens ? label_w : 0) + item_gap;
        else it.w = regular->CalcTextSizeA(regular->FontSize, FLT_MAX, 0, it.op.c_str()).x + 2 * op_pad;
        total_w += it.w;
    }
    const float left = area0.x + std::max(0.0f, (area_w - total_w) * 0.5f);
    const float cells_y = area0.y + title_h + col_label_h;
    for (Item& it : items)
        if (it.m) it.cells0 = ImVec2(left + it.x + (it.m->rows_are_tokens ? label_w : 0), cells_y);

    ImGui::InvisibleButton("##matrices", ImVec2(area_w, area_h));
    const bool area_hovered = ImGui::IsItemHovered();
    const bool area_clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    const ImVec2 mp = ImGui::GetIO().MousePos;

    // hover: which matrix, which cell
    const Item* hov_item = nullptr;
    int hov_r = -1, hov_c = -1;
    if (area_hovered)
        for (const Item& it : items) {
            if (!it.m) continue;
            const int c = (int)std::floor((mp.x - it.cells0.x) / cw), r = (int)std::floor((mp.y - it.cells0.y) / ch);
            if (mp.x >= it.cells0.x && mp.y >= it.cells0.y && r < it.m->rows && c < it.m->cols) {
                hov_item = &it;
                hov_r = r;
                hov_c = c;
            }
        }
    if (area_clicked) {
        if (hov_item && hov_item->output) {
            const bool same = hov_r == pinned_row && hov_c == pinned_col;
            pinned_row = same ? -1 : hov_r;
            pinned_col = same ? -1 : hov_c;
        } else if (!hov_item) {
            pinned_row = pinned_col = -1;
        }
    }
    // the result cell whose sources are lit: the hovered one, else the pinned one
    int hot_r = -1, hot_c = -1;
    if (hov_item && hov_item->output) {
        hot_r = hov_r;
        hot_c = hov_c;
    } else if (pinned_row >= 0 && pinned_row < out.rows && pinned_col < out.cols) {
        hot_r = pinned_row;
        hot_c = pinned_col;
    }
    Provenance prov;
    const bool has_prov = hot_r >= 0 && sub.output != Term::X;
    if (hot_r >= 0) prov = s.provenance(step, head, hot_r, hot_c);
    std::vector<CellMarks> marks(items.size());
    for (size_t i = 0; i < items.size(); i++) {
        const Item& it = items[i];
        if (!it.m) continue;
        marks[i].source.assign((size_t)it.m->rows * it.m->cols, 0);
        if (it.output) {
            marks[i].hot_row = hot_r;
            marks[i].hot_col = hot_c;
        } else if (has_prov) {
            marks[i].any_source = true;
            for (const CellRef& c : prov.sources)
                if (c.term == it.m->term && (c.head == it.m->head || !term_is_per_head(c.term)) && c.row < it.m->rows &&
                    c.col < it.m->cols)
                    marks[i].source[(size_t)c.row * it.m->cols + c.col] = 1;
        }
    }

    // draw: titles, labels, grids, operators
    ImDrawList* dl = ImGui::GetWindowDrawList();
    bool eq_term_on_screen = false;
    for (size_t i = 0; i < items.size(); i++) {
        const Item& it = items[i];
        if (!it.m) {
            const ImVec2 ts = regular->CalcTextSizeA(regular->FontSize, FLT_MAX, 0, it.op.c_str());
            const float rows_h = std::min(out.rows, max_rows) * ch;
            if (ui.fonts) ui.fonts->request_text(it.op);
            dl->AddText(regular, regular->FontSize, ImVec2(left + it.x + op_pad, cells_y + (rows_h - ts.y) * 0.5f),
                        pal.axis_text, it.op.c_str());
            continue;
        }
        const StepMatrix& m = *it.m;
        const bool linked = eq_any && eq_hovered == m.term;
        eq_term_on_screen |= linked;
        // title: label and shape
        char shape[32];
        std::snprintf(shape, sizeof shape, "  %d×%d", m.rows, m.cols);
        if (ui.fonts) ui.fonts->request_text(m.label);
        const ImU32 title_col = it.output ? palette().title : ImGui::GetColorU32(ImGuiCol_Text);
        const ImVec2 tpos(it.cells0.x, area0.y);
        dl->AddText(regular, regular->FontSize, tpos, title_col, m.label.c_str());
        const float lw = regular->CalcTextSizeA(regular->FontSize, FLT_MAX, 0, m.label.c_str()).x;
        dl->AddText(small, small->FontSize, ImVec2(tpos.x + lw, tpos.y + regular->FontSize - small->FontSize), pal.text_dim,
                    shape);
        // token labels: rows on the left, columns on top (thinned when the columns are narrow)
        if (m.rows_are_tokens)
            for (int r = 0; r < m.rows; r++) {
                const std::string& t = m.row_labels[r];
                const ImVec2 ts = cell_f->CalcTextSizeA(cell_font, FLT_MAX, 0, t.c_str());
                const bool lit = r == hot_r && (it.output || marks[i].any_source);
                dl->AddText(cell_f, cell_font, ImVec2(it.cells0.x - ts.x - cell_font * 0.6f, it.cells0.y + r * ch + (ch - ts.y) * 0.5f),
                            lit ? pal.warn : pal.axis_text, t.c_str());
            }
        if (m.cols_are_tokens) {
            float widest = 0;
            for (const auto& t : m.col_labels) widest = std::max(widest, cell_f->CalcTextSizeA(cell_font, FLT_MAX, 0, t.c_str()).x);
            const int stride = widest + cell_font * 0.3f <= cw ? 1 : 2;
            for (int c = 0; c < m.cols; c += stride) {
                const std::string& t = m.col_labels[c];
                const ImVec2 ts = cell_f->CalcTextSizeA(cell_font, FLT_MAX, 0, t.c_str());
                const bool lit = c == hot_c && it.output;
                dl->AddText(cell_f, cell_font, ImVec2(it.cells0.x + c * cw + (cw - ts.x) * 0.5f, it.cells0.y - col_label_h),
                            lit ? pal.warn : pal.axis_text, t.c_str());
            }
        }
        draw_grid(dl, m, it.cells0, cw, ch, cell_f, cell_font, numbers, colour_range(s, m), &marks[i]);
        if (linked) {
            const float t = std::max(2.0f, fs * 0.16f);
            dl->AddRect(ImVec2(it.cells0.x - t * 1.5f, it.cells0.y - t * 1.5f),
                        ImVec2(it.cells0.x + m.cols * cw + t, it.cells0.y + m.rows * ch + t), pal.accent, 4.0f, 0, t);
        }
        if (it.output && ui.regions) ui.regions->record("stepper_output", {it.cells0.x, it.cells0.y, m.cols * cw, m.rows * ch});
    }
    if (ui.regions) ui.regions->record("stepper_matrices", {area0.x, area0.y, area_w, area_h});

    // hovering an equation term whose matrix is not in this sub-step: show it in a tooltip
    if (eq_any && !eq_term_on_screen) {
        const bool per_head = term_is_per_head(eq_hovered);
        ImGui::SetNextWindowPos(ImVec2(ImGui::GetIO().MousePos.x, eq_bottom + fs * 0.3f));  // under the equation, not on it
        matrix_tooltip(s, s.matrix(eq_hovered, per_head ? head : 0), mono);
    }

    // tooltips on cells: the sum for a result cell (placed under the grids, so it never hides them), the value
    // for an input cell
    if (hov_item) {
        const StepMatrix& m = *hov_item->m;
        const std::string where = m.label + "  " + tr("row") + " " + std::to_string(hov_r + 1) +
                                  (m.rows_are_tokens ? " '" + m.row_labels[hov_r] + "'" : "") + tr(", ") + tr("column") + " " +
                                  std::to_string(hov_c + 1) + (m.cols_are_tokens ? " '" + m.col_labels[hov_c] + "'" : "");
        if (ui.fonts) ui.fonts->request_text(where);
        if (hov_item->output) {
            const ImGuiViewport* vp = ImGui::GetMainViewport();
            const float wrap_w = std::min(area_w * 0.92f, fs * 46);
            const float tx = std::clamp(hov_item->cells0.x - (m.rows_are_tokens ? label_w : 0), area0.x,
                                        std::max(area0.x, vp->WorkPos.x + vp->WorkSize.x - wrap_w - fs * 2));
            ImGui::SetNextWindowPos(ImVec2(tx, cells_y + max_rows * ch + fs * 0.9f));
        }
        ImGui::BeginTooltip();
        ImGui::TextDisabled("%s", where.c_str());
        if (hov_item->output) {
            if (ui.fonts) {
                ui.fonts->request_text(prov.caption);
                ui.fonts->request_text(prov.text);
            }
            ImGui::TextUnformatted(prov.caption.c_str());
            const float wrap_w = std::min(area_w * 0.92f, fs * 46);
            ImGui::PushFont(heading);
            ImGui::TextUnformatted(wrap_sum(prov.text, heading, heading->FontSize, wrap_w).c_str());
            ImGui::PopFont();
            ImGui::TextDisabled("%s", tr("click to keep this sum on screen"));
        } else {
            ImGui::PushFont(heading);
            ImGui::TextUnformatted(format_2dp(m.at(hov_r, hov_c)).c_str());
            ImGui::PopFont();
        }
        ImGui::EndTooltip();
    }

    // ---- the kept sum, large enough to read from the back of the room, and where the numbers come from
    ImGui::SetCursorScreenPos(ImVec2(area0.x, area0.y + area_h + st.ItemSpacing.y));
    std::string kept_caption;
    const std::string kept_now = kept_sum(&kept_caption);  // a click this frame may have changed it
    if (!kept_now.empty()) {
        if (ui.fonts) {
            ui.fonts->request_text(kept_caption);
            ui.fonts->request_text(kept_now);
        }
        ImGui::TextDisabled("%s", kept_caption.c_str());
        ImGui::PushFont(heading);
        ImGui::TextUnformatted(kept_now.c_str());
        ImGui::PopFont();
    } else if (sub.output != Term::X) {
        std::vector<char> hint_buf(out.label.size() + 256);
        std::snprintf(hint_buf.data(), hint_buf.size(), tr("Hover a cell of %s to see the cells and the sum that produced it; click to keep it."), out.label.c_str());
        const std::string hint = hint_buf.data();
        if (ui.fonts) ui.fonts->request_text(hint);
        ImGui::TextDisabled("%s", hint.c_str());
    } else {
        ImGui::TextDisabled("%s", tr("Press → (or ▶) to compute the queries from X."));
    }
    char note[200];
    const StepperCheck& chk = s.check();
    std::snprintf(note, sizeof note,
                  tr("Numbers from Attention::forward; recomputing softmax, P·V and W_O from them differs by at most %.1e."),
                  std::max({chk.probs, chk.heads, chk.output}));
    const float note_y = area0.y + avail.y - small->FontSize - st.ItemSpacing.y;
    if (ImGui::GetCursorScreenPos().y < note_y) ImGui::SetCursorScreenPos(ImVec2(area0.x, note_y));
    ImGui::PushFont(small);
    ImGui::TextDisabled("%s", note);
    ImGui::PopFont();
}

// ============================================================================ [SECTION] Draw / DrawContents / DrawInto

void StepperPanel::Draw(UiContext& ui) {
    // always its own background: it may float over the tiled panels, which draw none
    const int flags = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar | (ui.panel_flags & ~ImGuiWindowFlags_NoBackground);
    if (!ImGui::Begin(tr_title("Forward pass", "stepper").c_str(), nullptr, flags)) {
        ImGui::End();
        return;
    }
    DrawContents(ui);
    ImGui::End();
}

void StepperPanel::DrawInto(UiContext& ui, Rect r) {
    ImGui::SetCursorScreenPos(ImVec2(r.x, r.y));
    if (ImGui::BeginChild("##stepper", ImVec2(r.w, r.h), false, ImGuiWindowFlags_NoScrollbar)) DrawContents(ui);
    ImGui::EndChild();
}

}  // namespace noam::viz
