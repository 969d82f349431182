// Speculative decoding with the step's target and draft runs: rounds on screen, acceptance, a measured speed-up.
#include "panel_speculative.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <imgui.h>

#include "format.h"
#include "i18n.h"
#include "panel_decoding.h"
#include "theme.h"

namespace noam::viz {

namespace {
constexpr int kMaxGamma = 8;
constexpr int kRejectedRoundsKept = 4;  // rejected proposals stay on screen this many rounds
double seconds_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

// Fresh models from both runs' published weights; the text starts again at the target's prompt.
void SpeculativePanel::restart(const Snapshot& t, const Snapshot& d) {
    spec.reset();
    time_spec.reset();
    target_dec.reset();
    draft_dec.reset();
    plain_dec.reset();
    time_target_dec.reset();
    time_draft_dec.reset();
    target_model.reset();
    draft_model.reset();
    error.clear();
    tokens.clear();
    shown.clear();
    rounds_shown = 0;
    target_weights = t.weights;
    draft_weights = d.weights;
    if (!target_weights || !draft_weights || t.tokens.empty()) return;
    target_model = model_from_weights(*target_weights);
    draft_model = model_from_weights(*draft_weights);
    if (!target_model || !draft_model) {
        error = tr("the weights do not match their model");
        return;
    }
    SamplingConfig sc;  // sampling at T = 1: the tokens follow the target's own distribution
    sc.kind = SamplingKind::Temperature;
    sc.temperature = 1.0f;
    const int sample_vocab = (int)vocab.size();
    try {
        target_dec = std::make_unique<KVCacheDecoder>(*target_model);
        draft_dec = std::make_unique<KVCacheDecoder>(*draft_model);
        plain_dec = std::make_unique<KVCacheDecoder>(*target_model);
        time_target_dec = std::make_unique<KVCacheDecoder>(*target_model);
        time_draft_dec = std::make_unique<KVCacheDecoder>(*draft_model);
        // buffers for the largest gamma; the slider sets spec->gamma up to it
        g_max_built = std::min(kMaxGamma, target_dec->max_chunk - 1);
        spec = std::make_unique<SpeculativeDecoder>(*draft_dec, *target_dec, sc, g_max_built, sample_vocab);
        time_spec = std::make_unique<SpeculativeDecoder>(*time_draft_dec, *time_target_dec, sc, g_max_built, sample_vocab);
    } catch (const std::exception& e) {  // non-causal, or the two models do not fit together
        error = e.what();
        spec.reset();
        time_spec.reset();
        return;
    }
    plain_sampler = std::make_unique<Sampler>(sc, sample_vocab > 0 ? sample_vocab : target_weights->cfg.vocab_size);
    gamma = std::clamp(gamma, 1, g_max_built);
    spec->gamma = time_spec->gamma = gamma;
    rng = Rng(1000 + (uint64_t)target_weights->step);
    const int prompt_len = decoding_prompt_length(t, target_dec->max_T);
    prompt.assign(t.tokens.begin(), t.tokens.begin() + prompt_len);
    tokens = prompt;
    tokens.reserve(2 * (size_t)target_dec->max_T + kMaxGamma + 2);
    for (int id : prompt) shown.push_back({token_label(vocab, id), Piece::Prompt, -1});
    restart_timing();
}

// One round: proposals, one target pass, the kept ones, the target's token; the rejected ones shown struck.
void SpeculativePanel::round() {
    if (!spec) return;
    spec->round(tokens, spec->gamma + 1, rng);
    const int r = rounds_shown++;
    for (int i = 1; i <= spec->last_accepted; i++) shown.push_back({token_label(vocab, spec->chunk[i]), Piece::Accepted, r});
    for (int i = spec->last_accepted + 1; i <= spec->last_drafted; i++)
        shown.push_back({token_label(vocab, spec->chunk[i]), Piece::Rejected, r});
    shown.push_back({token_label(vocab, tokens.back()), Piece::Target, r});
    // rejected proposals of older rounds leave the screen
    shown.erase(std::remove_if(shown.begin(), shown.end(),
                               [&](const Shown& s) { return s.kind == Piece::Rejected && s.round < r + 1 - kRejectedRoundsKept; }),
                shown.end());
}

void SpeculativePanel::restart_timing() {
    timing = Timing::Plain;
    plain_seconds = spec_seconds = 0;
    time_produced = 0;
    plain_logits = nullptr;
    if (!time_spec) return;
    // N tokens that fit the target's context after the prompt (no window sliding in either measurement)
    time_n = std::max(1, std::min(timed_tokens, time_target_dec->max_T - (int)prompt.size() - 1));
    time_tokens.reserve(prompt.size() + time_n + kMaxGamma + 2);
    time_tokens = prompt;
    time_rng = Rng(7);
}

// Runs the measurement for about budget_seconds: whole tokens (plain) or whole rounds (speculative), each timed.
// Both include their prefill of the prompt.
void SpeculativePanel::time_slice(double budget_seconds) {
    if (!time_spec || timing == Timing::Done) return;
    const double t_begin = seconds_now();
    while (timing != Timing::Done && seconds_now() - t_begin < budget_seconds) {
        const double t0 = seconds_now();
        if (timing == Timing::Plain) {
            if (!plain_logits) {
                plain_dec->reset();
                const int m = (int)time_tokens.size();
                plain_dec->prefill(time_tokens.data(), m - 1);
                plain_logits = plain_dec->forward(&time_tokens.back(), 1);
            } else {
                time_tokens.push_back(plain_sampler->sample(plain_logits, time_rng));
                time_produced++;
                if (time_produced < time_n) plain_logits = plain_dec->forward(&time_tokens.back(), 1);
            }
            plain_seconds += seconds_now() - t0;
            if (time_produced >= time_n) {
                timing = Timing::Speculative;
                time_produced = 0;
                time_tokens = prompt;
                time_spec->restart();
            }
        } else {
            time_produced += time_spec->round(time_tokens, time_n - time_produced, time_rng);
            spec_seconds += seconds_now() - t0;
            if (time_produced >= time_n) timing = Timing::Done;
        }
    }
}

void SpeculativePanel::Draw(RunSet& runs, UiContext& ui) {
    if (!BeginRunsPanel(tr_title("Speculative decoding", "speculative").c_str(), runs, ui)) return;
    if (runs.size() < 2) {
        ImGui::TextWrapped("%s", tr("Speculative decoding needs two runs: the target (this step's run) and a smaller draft trained beside it on the same data. This step has only one (a lesson adds the draft with \"runs\")."));
        ImGui::End();
        return;
    }
    RunView& tv = runs.view(0);
    RunView& dv = runs.view(1);
    if (!tv.valid() || !dv.valid() || !tv.snap->weights || !dv.snap->weights) {
        ImGui::TextDisabled("%s", tr("Waiting for the first copy of both runs' weights ..."));
        ImGui::End();
        return;
    }
    const Snapshot& ts = *tv.snap;
    const Snapshot& ds = *dv.snap;
    const Palette& pal = palette();
    if (seen_target != tv.run_id || seen_draft != dv.run_id || seen_generation != ts.generation || !target_weights ||
        !draft_weights) {
        seen_target = tv.run_id;
        seen_draft = dv.run_id;
        seen_generation = ts.generation;
        vocab = tv.live->vocab_labels();
        restart(ts, ds);
    }
    if (!spec) {
        ImGui::TextWrapped(tr("These two models cannot decode speculatively: %s"), error.empty() ? tr("no prompt yet.") : error.c_str());
        ImGui::End();
        return;
    }

    // ---- controls
    if (ImGui::Button((std::string(tr("Round")) + "###round").c_str())) {
        auto_advance = false;
        round();
    }
    ImGui::SameLine();
    ImGui::Checkbox((std::string(tr("Auto")) + "###auto").c_str(), &auto_advance);
    ImGui::SameLine();
    if (ImGui::Button((std::string(tr("Restart")) + "###restart").c_str())) restart(ts, ds);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Start again from the prompt with both runs' newest weights"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(140 * ui.scale);
    if (ImGui::SliderInt("gamma", &gamma, 1, kMaxGamma)) {
        restart(ts, ds);  // the statistics and the timing are per gamma
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Tokens the draft proposes per round"));
    if (auto_advance && ui.now >= next_round_at) {
        // the text grows to two contexts' worth (the window slides), then starts again with the newest weights;
        // sooner (after one context) when both runs have published newer ones
        const int n = (int)tokens.size(), T = target_dec->max_T;
        const bool newer = ts.weights != target_weights && ds.weights != draft_weights;
        if (n >= 2 * T || (newer && n >= T)) restart(ts, ds);
        else round();
        next_round_at = ui.now + 1.0 / rounds_per_second;
    }
    if (!ui.render) time_slice(0.004);  // a few milliseconds a frame, whatever the models' size

    // ---- the numbers
    const SpeculativeStats& st = spec->stats;
    ImGui::Text(tr("acceptance %.0f%% (%lld of %lld proposals) · %.2f tokens per target pass (%lld passes)"),
                100.0 * st.acceptance_rate(), st.accepted, st.drafted, st.tokens_per_round(), st.rounds);
    ImGui::TextDisabled(tr("target %s (step %s) · draft %s (step %s) · sampled at T = 1"), runs.label(0).c_str(),
                        format_count(target_weights->step).c_str(), runs.label(1).c_str(),
                        format_count(draft_weights->step).c_str());
    const ImVec2 speed_top = ImGui::GetCursorScreenPos();
    if (ui.render) {
        ImGui::TextDisabled("%s", tr("speed-up: not measured in render (the wall clock differs every time)"));
    } else if (timing == Timing::Done && plain_seconds > 0 && spec_seconds > 0) {
        const double ratio = plain_seconds / spec_seconds;
        const SpeculativeStats& ts2 = time_spec->stats;
        ImGui::Text(tr("measured: %d tokens in %.2f ms plain, %.2f ms speculative: %.2fx %s"), time_n, plain_seconds * 1e3,
                    spec_seconds * 1e3, ratio >= 1 ? ratio : 1.0 / ratio, ratio >= 1 ? tr("faster") : tr("slower"));
        ImGui::SameLine();
        if (ImGui::SmallButton((std::string(tr("Time again")) + "###time_again").c_str())) restart_timing();
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
        ImGui::TextWrapped(tr("(%.2f tokens per target pass in the timed text; each pass also costs %d draft passes, and these small models spend little time reading weights, the cost the method saves)"),
                           ts2.tokens_per_round(), gamma);
        ImGui::PopStyleColor();
    } else {
        ImGui::TextDisabled(tr("measuring: %d tokens plain, then speculatively (%s) ..."), time_n,
                            timing == Timing::Plain ? tr("plain") : tr("speculative"));
    }
    const ImVec2 speed_bottom = ImGui::GetCursorScreenPos();
    if (ui.regions)
        ui.regions->record("speculative_speed", Rect{speed_top.x, speed_top.y, ImGui::GetContentRegionAvail().x,
                                                     speed_bottom.y - speed_top.y});

    // ---- the text: kept proposals, the target's tokens, rejected proposals struck through
    const ImU32 col_accept = run_color(1), col_target = run_color(0);
    const ImU32 col_prompt = pal.text_dim, col_rejected = IM_COL32(150, 150, 150, 200);
    ImGui::Spacing();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImGui::PushFont(ui.fonts->mono);
    for (const Shown& s : shown) ui.fonts->request_text(s.label);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float avail_w = ImGui::GetContentRegionAvail().x, line_h = ImGui::GetTextLineHeightWithSpacing();
    const float pad = 2 * ui.scale;
    float x = p0.x, y = p0.y;
    for (const Shown& s : shown) {
        const bool newline = s.label == "\n" || s.label == "\\n";
        const std::string& text = s.label;
        const float w = ImGui::CalcTextSize(text.c_str()).x + pad;
        if (x + w > p0.x + avail_w && x > p0.x) {
            x = p0.x;
            y += line_h;
        }
        const ImU32 col = s.kind == Piece::Prompt ? col_prompt
                        : s.kind == Piece::Accepted ? col_accept
                        : s.kind == Piece::Target ? col_target : col_rejected;
        if (s.kind == Piece::Accepted || s.kind == Piece::Target)
            dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w - 1, y + line_h - 1), (col & 0x00FFFFFF) | 0x40000000);
        dl->AddText(ImVec2(x + pad * 0.5f, y), s.kind == Piece::Accepted || s.kind == Piece::Target ? ImGui::GetColorU32(ImGuiCol_Text) : col,
                    text.c_str());
        if (s.kind == Piece::Rejected)
            dl->AddLine(ImVec2(x, y + line_h * 0.5f), ImVec2(x + w - 1, y + line_h * 0.5f), col_rejected, ui.scale);
        x += w;
        if (newline) {
            x = p0.x;
            y += line_h;
        }
    }
    ImGui::PopFont();
    y += line_h;
    ImGui::Dummy(ImVec2(avail_w, y - p0.y));
    if (ui.regions) {
        ui.regions->record("speculative_text", Rect{p0.x, p0.y, avail_w, y - p0.y});
        ui.regions->colors["speculative_accepted"] = col_accept;
        ui.regions->colors["speculative_target"] = col_target;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    ImGui::TextWrapped(tr("shaded in the draft's colour: proposals the target kept; in the target's colour: the token the target drew itself (a correction after a rejection, or the bonus when all were kept); struck grey: rejected proposals (the last %d rounds). Every round costs one target pass."),
                       kRejectedRoundsKept);
    ImGui::PopStyleColor();
    ImGui::End();
}

}  // namespace noam::viz
