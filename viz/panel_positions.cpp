// Sinusoidal positions and their similarity map.
#include "panel_positions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "embedding.h"
#include "i18n.h"
#include "theme.h"

namespace noam::viz {

void PositionsPanel::compute(int T_, int d_) {
    T = T_;
    d = d_;
    pe.assign((size_t)T * d, 0.0f);
    noam::sinusoidal_positions(pe.data(), T, d);
    // sim[i][j] = Σ_k PE[i][k] · PE[j][k]
    sim.assign((size_t)T * T, 0.0f);
    sim_range = 1e-6f;
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) {
            double acc = 0;
            for (int k = 0; k < d; k++) acc += (double)pe[(size_t)i * d + k] * pe[(size_t)j * d + k];
            sim[(size_t)i * T + j] = (float)acc;
            sim_range = std::max(sim_range, (float)std::fabs(acc));
        }
    pos_labels.clear();
    for (int i = 0; i < T; i++) pos_labels.push_back(std::to_string(i));
    dim_labels.clear();
    for (int k = 0; k < d; k++) dim_labels.push_back(std::to_string(k));
    version++;
}

void PositionsPanel::Draw(RunView& run, UiContext& ui) {
    if (!ImGui::Begin(tr_title("Positions", "positions").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar | ui.panel_flags)) {
        ImGui::End();
        return;
    }
    if (!run.live) {
        ImGui::TextDisabled("%s", tr("No run."));
        ImGui::End();
        return;
    }
    const ModelConfig& m = run.config().model;
    const int want_d = m.d_model - (m.d_model % 2);  // the sinusoids come in (sin, cos) pairs
    if (m.seq_len != T || want_d != d) compute(m.seq_len, want_d);
    const Palette& pal = palette();
    const ImGuiStyle& st = ImGui::GetStyle();
    if (m.positions != PosKind::Sinusoidal) {
        const std::string note = m.positions == PosKind::Learned
                                     ? tr("This run uses learned positions; these are the paper's sinusoids for the same sizes.")
                                     : tr("This run uses no positions; these are the paper's sinusoids for the same sizes.");
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.warn));
        ImGui::TextWrapped("%s", note.c_str());
        ImGui::PopStyleColor();
    }

    // side by side in a wide panel, one above the other in a tall one
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float caption_h = ImGui::GetTextLineHeightWithSpacing() * 2;
    const bool beside = avail.x > avail.y * 1.25f;
    const ImVec2 cell = beside ? ImVec2((avail.x - st.ItemSpacing.x * 3) * 0.5f, avail.y)
                               : ImVec2(avail.x, (avail.y - st.ItemSpacing.y * 3) * 0.5f);
    const ImVec2 map_size(cell.x, std::max(60.0f, cell.y - caption_h));

    HeatmapOptions o;
    o.scale = ColorScale::Diverging;
    o.label_font = ui.fonts->small;
    o.legend = true;
    o.row_name = tr("position");

    // ---- PE: positions down, dimensions across
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginGroup();
    ImGui::TextUnformatted(tr("PE: position × dimension"));
    ImGui::TextDisabled("%s", tr("sin / cos pairs, wavelength grows to the right"));
    o.lo = -1;
    o.hi = 1;
    o.row_labels = &pos_labels;
    o.col_labels = &dim_labels;
    o.col_name = tr("dimension");
    o.square = false;
    const HeatmapResult r1 = pe_map.Draw("pe", pe.data(), T, d, map_size, o, version);
    if (ui.regions) ui.regions->record("positions_matrix", r1.map);
    ImGui::EndGroup();

    // ---- PE · PEᵀ: position against position
    if (beside) ImGui::SetCursorScreenPos(ImVec2(p0.x + cell.x + st.ItemSpacing.x * 3, p0.y));
    else ImGui::Dummy(ImVec2(1, st.ItemSpacing.y));
    ImGui::BeginGroup();
    if (ui.fonts) ui.fonts->request_text("PE·PEᵀ");
    ImGui::TextUnformatted(tr("PE · PEᵀ: position × position"));
    char note[96];
    std::snprintf(note, sizeof note, tr("depends only on the distance; diagonal = d/2 = %d"), d / 2);
    ImGui::TextDisabled("%s", note);
    o.lo = -sim_range;
    o.hi = sim_range;
    o.col_labels = &pos_labels;
    o.col_name = tr("position");
    o.value_format = "%.2f";
    o.square = true;
    const HeatmapResult r2 = sim_map.Draw("sim", sim.data(), T, T, map_size, o, version);
    if (ui.regions) ui.regions->record("positions_similarity", r2.map);
    ImGui::EndGroup();
    ImGui::End();
}

}  // namespace noam::viz
