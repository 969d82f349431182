// Bytes read and time per decoded token for MHA, GQA and MQA, with and without the KV cache.
#include "panel_decode_cost.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "bar_chart.h"
#include "format.h"
#include "i18n.h"
#include "theme.h"

namespace noam::viz {

namespace {

double median(std::vector<double> v) {  // a copy: kSamples values
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double micros_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

// The run's model three times: n_kv_heads = H (multi-head), H/2 (grouped, when it lies strictly between) and 1
// (multi-query). Random weights from one seed.
void DecodeCostPanel::build(const ModelConfig& cfg) {
    variants.clear();
    error.clear();
    built_context = -1;
    const int H = cfg.n_heads;
    std::vector<std::pair<int, const char*>> kinds = {{H, "MHA"}};
    if (H % 2 == 0 && H / 2 > 1) kinds.push_back({H / 2, "GQA"});
    if (H > 1) kinds.push_back({1, "MQA"});
    try {
        for (const auto& [kv, name] : kinds) {
            ModelConfig c = cfg;
            c.n_kv_heads = kv;
            Variant v;
            char lab[48];
            std::snprintf(lab, sizeof lab, kv == 1 ? tr("%s %d K/V head") : tr("%s %d K/V heads"), name, kv);
            v.label = lab;
            v.kv_heads = kv;
            Rng rng(1);
            v.model = std::make_unique<TransformerLM>(c, 1, rng);
            v.dec = std::make_unique<KVCacheDecoder>(*v.model);
            variants.push_back(std::move(v));
        }
    } catch (const std::exception& e) {
        variants.clear();
        error = e.what();
        return;
    }
    Rng rng(2);
    tokens.resize(cfg.seq_len);
    for (int& t : tokens) t = (int)(rng.next_u64() % (uint64_t)cfg.vocab_size);
}

void DecodeCostPanel::prepare() {
    for (Variant& v : variants) {
        KVCacheDecoder& d = *v.dec;
        d.reset();
        if (context > 1) d.prefill(tokens.data(), context - 1);
        // one token at `context`: what it reads, from the decoder's own counts
        d.reset_counts();
        d.forward(&tokens[context - 1], 1);
        v.kv_bytes = d.counts.kv_bytes + d.counts.conv_bytes;
        v.weight_bytes = d.counts.weight_bytes;
        v.flops_cached = d.counts.flops;
        // without the cache the next token costs the forward over the whole context: every position again
        v.flops_uncached = 0;
        for (int j = 1; j <= context; j++) v.flops_uncached += v.model->flops_per_token_at(v.model->cfg.causal ? j : context);
        v.cached_us.clear();
        v.uncached_us.clear();
        v.next_sample = 0;
    }
    built_context = context;
}

// Cached: forget the last position and run it again, a few times (the fastest of them: the least disturbed by
// the other threads of the window). Uncached: the model's full forward over the context once.
void DecodeCostPanel::measure(Variant& v) {
    KVCacheDecoder& d = *v.dec;
    double best = 1e300;
    for (int r = 0; r < 5; r++) {
        d.truncate(context - 1);
        const auto t0 = std::chrono::steady_clock::now();
        d.forward(&tokens[context - 1], 1);
        best = std::min(best, micros_since(t0));
    }
    const auto t0 = std::chrono::steady_clock::now();
    v.model->forward(tokens.data(), nullptr, 1, context);
    const double full = micros_since(t0);
    auto push = [&](std::vector<double>& ring, double x) {
        if ((int)ring.size() < kSamples) ring.push_back(x);
        else ring[v.next_sample] = x;
    };
    push(v.cached_us, best);
    push(v.uncached_us, full);
    v.next_sample = (v.next_sample + 1) % kSamples;
}

void DecodeCostPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Decoding cost", "decode_cost").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!run.valid() || !run.snap->weights) {
        ImGui::TextDisabled("%s", tr("Waiting for the run ..."));
        ImGui::End();
        return;
    }
    const Snapshot& s = *run.snap;
    const Palette& pal = palette();
    if (seen_run != run.run_id || seen_generation != s.generation) {
        seen_run = run.run_id;
        seen_generation = s.generation;
        build(s.weights->cfg);
    }
    if (!error.empty() || variants.empty()) {
        ImGui::TextWrapped(tr("No decoding for this model: %s"), error.c_str());
        ImGui::End();
        return;
    }
    const ModelConfig& cfg = variants[0].model->cfg;
    if (context <= 0 || context > cfg.seq_len) context = cfg.seq_len;
    ImGui::SetNextItemWidth(200 * ui.scale);
    ImGui::SliderInt((std::string(tr("context length")) + "###context").c_str(), &context, 1, cfg.seq_len);
    if (built_context != context) prepare();
    // one variant per frame: a few tokens (well under a millisecond each for a lesson model)
    // (a larger model's forward can take milliseconds: then time less often, at most a fifth of the wall time)
    if (!ui.render && ui.now >= next_measure_at) {
        const auto t0 = std::chrono::steady_clock::now();
        measure(variants[turn % variants.size()]);
        turn++;
        next_measure_at = ui.now + 5e-6 * micros_since(t0);
    }
    ImGui::SameLine();
    ImGui::TextDisabled(tr("d_model %d · %d layers · %d query heads · random weights"), cfg.d_model, cfg.n_layers, cfg.n_heads);

    // ---- bytes read per token: the cache against the weights
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float bar_h = ImGui::GetTextLineHeight() + 3 * ui.scale;
    ImGui::TextUnformatted(tr("Bytes read per new token (KiB)"));
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("blue: K/V cache · grey: weights · batch 1, float32"));
    std::vector<std::string> labels;
    std::vector<float> values;
    BarChartOptions bo;
    bo.value_format = "%.1f";
    const ImU32 kv_col = IM_COL32(86, 180, 233, 255), w_col = IM_COL32(150, 150, 150, 255);
    for (const Variant& v : variants) {
        labels.push_back(v.label + "  K/V");
        values.push_back((float)(v.kv_bytes / 1024));
        bo.colors.push_back(kv_col);
        labels.push_back(v.label + "  " + tr("weights"));
        values.push_back((float)(v.weight_bytes / 1024));
        bo.colors.push_back(w_col);
    }
    BarChart("bytes", labels, values, ImVec2(avail_w, bar_h * labels.size()), bo);
    if (ui.regions) {
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        ui.regions->record("decode_cost_bytes", Rect{a.x, a.y, b.x - a.x, b.y - a.y});
        ui.regions->colors["decode_cost_kv"] = kv_col;
    }

    // ---- measured time per token
    ImGui::Spacing();
    ImGui::Text(tr("Microseconds per new token at context %d"), context);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("measured now · green: cached · red: the whole context again"));
    labels.clear();
    values.clear();
    BarChartOptions to;
    to.value_format = "%.0f";
    const ImU32 c_col = IM_COL32(0, 158, 115, 255), u_col = IM_COL32(213, 94, 0, 255);
    for (const Variant& v : variants) {
        labels.push_back(v.label + "  " + tr("cached"));
        values.push_back((float)median(v.cached_us));
        to.colors.push_back(c_col);
        labels.push_back(v.label + "  " + tr("no cache"));
        values.push_back((float)median(v.uncached_us));
        to.colors.push_back(u_col);
    }
    if (ui.render) ImGui::TextDisabled("%s", tr("not measured in render (the wall clock differs every time)"));
    else BarChart("time", labels, values, ImVec2(avail_w, bar_h * labels.size()), to);
    if (ui.regions) {
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        ui.regions->record("decode_cost_time", Rect{a.x, a.y, b.x - a.x, b.y - a.y});
    }
    // ---- the ratios, in words
    const Variant& mha = variants.front();
    for (const Variant& v : variants) {
        const double c = median(v.cached_us), u = median(v.uncached_us);
        ImGui::Text(tr("%-18s cache %s of MHA's · FLOPs %s cached, %s without · %.1fx faster with the cache"), v.label.c_str(),
                    v.kv_bytes > 0 ? (std::to_string((int)std::lround(100 * v.kv_bytes / mha.kv_bytes)) + "%").c_str() : "-",
                    format_si(v.flops_cached).c_str(), format_si(v.flops_uncached).c_str(), c > 0 ? u / c : 0.0);
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    ImGui::TextWrapped("%s", tr("At this size the weights dominate what a token reads; the K/V share grows with the context and the batch (every sequence has its own cache, the weights are read once for all), which is where multi-query attention pays."));
    ImGui::PopStyleColor();
    ImGui::End();
}

}  // namespace noam::viz
