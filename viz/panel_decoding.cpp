// The model writing one token at a time with the KV cache: text, attention rows of the newest token, the cache.
#include "panel_decoding.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "format.h"
#include "i18n.h"
#include "theme.h"
#include "token_strip.h"

namespace noam::viz {

std::string token_label(const std::vector<std::string>& vocab, int id) {
    if (id >= 0 && id < (int)vocab.size()) return vocab[id];
    char buf[24];
    std::snprintf(buf, sizeof buf, "#%d", id);
    return buf;
}

std::unique_ptr<TransformerLM> model_from_weights(const ModelWeights& w) {
    Rng init(1);
    auto model = std::make_unique<TransformerLM>(w.cfg, 1, init);
    if (model->params.values.size() != w.values.size()) return nullptr;  // cannot happen: the same config, the same layout
    model->params.values = w.values;
    return model;
}

int decoding_prompt_length(const Snapshot& s, int max_T) {
    int first = 0;
    while (first < (int)s.targets.size() && s.targets[first] < 0) first++;
    const int T = (int)s.tokens.size();
    const int n = first == 0 ? std::min(16, T) : std::min(first + 1, T);
    return std::min(n, max_T);
}

// A fresh model from the published weights (built anew: the config may have changed), the prompt run through it
// in one pass (the prefill), its logits kept for the first written token.
void DecodingPanel::restart(const Snapshot& s, const std::vector<std::string>& vocab) {
    dec.reset();
    model.reset();
    head_names.clear();
    weights = s.weights;
    tokens.clear();
    if (!weights || s.tokens.empty()) return;
    model = model_from_weights(*weights);
    if (!model) return;
    try {
        dec = std::make_unique<KVCacheDecoder>(*model);
    } catch (const std::exception&) {  // a non-causal model: nothing to cache (the panel says so)
        return;
    }
    dec->keep_attention = true;
    SamplingConfig sc;
    sc.kind = sample ? SamplingKind::Temperature : SamplingKind::Greedy;
    sc.temperature = 0.8f;
    sampler = std::make_unique<Sampler>(sc, weights->cfg.vocab_size);
    rng = Rng(1000 + (uint64_t)weights->step);
    prompt_len = decoding_prompt_length(s, dec->max_T);
    tokens.reserve(dec->max_T + 1);
    tokens.assign(s.tokens.begin(), s.tokens.begin() + prompt_len);
    labels.clear();
    vocab_labels = vocab;
    for (int t : tokens) labels.push_back(token_label(vocab, t));
    is_prompt.assign(prompt_len, true);
    prob.assign(prompt_len, 0.0f);
    labels.reserve(dec->max_T + 1);
    is_prompt.reserve(dec->max_T + 1);
    prob.reserve(dec->max_T + 1);
    const float* logits = dec->forward(tokens.data(), prompt_len);
    next_logits = logits + (size_t)(prompt_len - 1) * weights->cfg.vocab_size;
    full_since = -1;
    update_rows();
}

// One token: drawn from the logits of the last position, then run through the model (one row per layer, one pass
// over the cache), which appends its keys and values and gives the logits for the next.
bool DecodingPanel::advance() {
    if (!dec || !next_logits || dec->length >= dec->max_T) return false;
    const int next = sampler->sample(next_logits, rng);
    prob.push_back(sampler->probs[next]);
    tokens.push_back(next);
    labels.push_back(token_label(vocab_labels, next));
    is_prompt.push_back(false);
    next_logits = dec->forward(&tokens.back(), 1);
    update_rows();
    return true;
}

void DecodingPanel::update_rows() {
    if (!dec) return;
    const int H = model->cfg.n_heads, n = dec->length, L = model->cfg.n_layers;
    layer = std::clamp(layer, 0, L - 1);
    rows.resize((size_t)H * n);
    for (int h = 0; h < H; h++)
        for (int j = 0; j < n; j++)
            rows[(size_t)h * n + j] = dec->last_attention[((size_t)layer * H + h) * dec->max_T + j];
    rows_version++;
}

void DecodingPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Decoding", "decoding").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!run.valid()) {
        ImGui::End();
        return;
    }
    const Snapshot& s = *run.snap;
    const Palette& pal = palette();
    // a new run or a reset: start again at once; otherwise newer weights wait until the text is done
    if (seen_run != run.run_id || seen_generation != s.generation || (!weights && s.weights)) {
        seen_run = run.run_id;
        seen_generation = s.generation;
        restart(s, run.live->vocab_labels());
    }
    if (!s.weights) {
        ImGui::TextDisabled("%s", tr("Waiting for the first copy of the weights ..."));
        ImGui::End();
        return;
    }
    if (!dec) {
        ImGui::TextWrapped(tr("This model cannot decode with a cache: %s"),
                           !s.weights->cfg.causal ? tr("it is not causal (every position would change with each new token).")
                                                  : tr("its layers are not supported by the decoder."));
        ImGui::End();
        return;
    }

    // ---- controls
    if (ImGui::Button((std::string(tr("Step")) + "###step").c_str())) {
        auto_advance = false;
        advance();
    }
    ImGui::SameLine();
    ImGui::Checkbox((std::string(tr("Auto")) + "###auto").c_str(), &auto_advance);
    ImGui::SameLine();
    if (ImGui::Button((std::string(tr("Restart")) + "###restart").c_str())) restart(s, run.live->vocab_labels());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Start again from the prompt with the newest weights"));
    ImGui::SameLine();
    if (ImGui::Checkbox((std::string(tr("Sample (T = 0.8)")) + "###sample").c_str(), &sample)) restart(s, run.live->vocab_labels());
    const int L = model->cfg.n_layers, H = model->cfg.n_heads, KV = model->cfg.kv_heads(), hd = model->cfg.head_dim();
    if (L > 1) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(120 * ui.scale);
        if (ImGui::SliderInt((std::string(tr("layer")) + "###layer").c_str(), &layer, 0, L - 1)) update_rows();
    }
    if (auto_advance) {
        if (dec->length >= dec->max_T) {
            if (full_since < 0) full_since = ui.now;
            if (ui.now - full_since > 2.0) restart(s, run.live->vocab_labels());  // with the newest weights
        } else if (ui.now >= next_token_at) {
            advance();
            next_token_at = ui.now + 1.0 / tokens_per_second;
        }
    }
    const int n = dec->length;
    ImGui::TextDisabled(tr("weights of step %s · %s · %d of %d positions in the cache"), format_count(weights->step).c_str(),
                        sample ? tr("sampled at T = 0.8") : tr("greedy"), n, dec->max_T);

    // ---- the text so far: the prompt in grey, each written token tinted by the probability the model gave it
    ImFont* mono = ui.fonts->mono;
    TokenStripOptions o;
    o.font = mono;
    o.dim = &is_prompt;
    o.highlight = (int)tokens.size() - 1;
    o.value_name = "p(token)";
    const ImVec2 text_top = ImGui::GetCursorScreenPos();
    TokenStrip("decoded", labels, prob.data(), o);
    const ImVec2 text_bottom = ImGui::GetCursorScreenPos();
    if (ui.regions)
        ui.regions->record("decoding_text", Rect{text_top.x, text_top.y, ImGui::GetContentRegionAvail().x,
                                                 text_bottom.y - text_top.y});

    // ---- the newest token's attention: one row per head over the cached positions
    ImGui::Spacing();
    ImGui::Text(tr("Attention of the newest token '%s', layer %d"), labels[n - 1].c_str(), layer);
    ImGui::SameLine();
    ImGui::TextDisabled(tr("(one row per query head%s)"), KV < H ? tr("; heads in a group read the same keys") : "");
    if ((int)head_names.size() != H) {  // cleared at every restart (the key/value heads may have changed)
        char buf[32];
        for (int h = 0; h < H; h++) {
            if (KV < H) std::snprintf(buf, sizeof buf, "h%d/kv%d", h, h / (H / KV));
            else std::snprintf(buf, sizeof buf, tr("head %d"), h);
            head_names.push_back(buf);
        }
    }
    HeatmapOptions ho;
    ho.square = false;
    ho.row_labels = &head_names;
    ho.row_name = tr("head");
    ho.col_name = tr("position");
    ho.gamma = 0.5f;
    ho.interactive = true;
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float row_h = ImGui::GetTextLineHeight() + 2 * ui.scale;  // a label for every head
    const HeatmapResult hr = rows_map.Draw("rows", rows.data(), H, n, ImVec2(avail_w, row_h * H), ho, rows_version);
    if (ui.regions) ui.regions->record("decoding_attention", hr.map);

    // ---- the cache: for every layer, one strip per key/value head; a cell per position (K above V)
    ImGui::Spacing();
    const double bytes_now = 4.0 * 2 * L * (double)n * KV * hd, bytes_full = 4.0 * 2 * L * (double)dec->max_T * KV * hd;
    ImGui::Text(tr("KV cache: %s of %s"), format_bytes((uint64_t)bytes_now).c_str(), format_bytes((uint64_t)bytes_full).c_str());
    ImGui::SameLine();
    ImGui::TextDisabled(KV == 1 ? tr("%d layers x %d K/V head x %d positions (%s)") : tr("%d layers x %d K/V heads x %d positions (%s)"), L, KV, dec->max_T,
                        KV == H ? tr("multi-head: one per query head") : KV == 1 ? tr("multi-query: one for all heads") : tr("grouped-query"));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float label_w = ImGui::CalcTextSize("L00 ").x;
    const float cell_w = std::max(1.0f, (avail_w - label_w) / dec->max_T);
    const float strip_h = std::clamp(40.0f * ui.scale / H, 3.0f * ui.scale, 7.0f * ui.scale);  // K and V each
    const float layer_gap = 6 * ui.scale;
    float y = p0.y;
    const ImU32 k_col = IM_COL32(86, 180, 233, 255), v_col = IM_COL32(230, 159, 0, 255);  // Okabe-Ito blue, orange
    for (int l = 0; l < L; l++) {
        char lab[16];
        std::snprintf(lab, sizeof lab, "L%d", l);
        const float layer_h = KV * (2 * strip_h + 1);
        dl->AddText(ImVec2(p0.x, y + layer_h * 0.5f - ImGui::GetTextLineHeight() * 0.5f), pal.axis_text, lab);
        for (int g = 0; g < KV; g++) {
            for (int kv = 0; kv < 2; kv++) {
                const float y0 = y + g * (2 * strip_h + 1) + kv * strip_h;
                const float x0 = p0.x + label_w;
                dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + cell_w * dec->max_T, y0 + strip_h - 1), pal.plot_bg);
                dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + cell_w * n, y0 + strip_h - 1), kv == 0 ? k_col : v_col);
                dl->AddRectFilled(ImVec2(x0 + cell_w * (n - 1), y0), ImVec2(x0 + cell_w * n, y0 + strip_h - 1), pal.accent);
            }
        }
        y += layer_h + layer_gap;
    }
    const Rect cache_rect{p0.x + label_w, p0.y, cell_w * dec->max_T, y - p0.y - layer_gap};
    ImGui::Dummy(ImVec2(avail_w, y - p0.y));
    if (ui.regions) {
        ui.regions->record("decoding_cache", Rect{p0.x, p0.y, cache_rect.right() - p0.x, cache_rect.h});  // with labels
        ui.regions->record("decoding_cache_cells", cache_rect);
        ui.regions->colors["decoding_cache_k"] = k_col;
        ui.regions->colors["decoding_cache_v"] = v_col;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    ImGui::TextWrapped("%s", tr("blue: keys, orange: values, bright: the newest position. Each new token adds one K and one V row per key/value head in every layer, and reads all of them once."));
    ImGui::PopStyleColor();
    ImGui::End();
}

}  // namespace noam::viz
