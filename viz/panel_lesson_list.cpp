// The lesson list: papers, lessons, progress, broken files.
#include "panel_lesson_list.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "i18n.h"
#include "theme.h"

namespace noam::viz {

int LessonListPanel::Draw(const LessonLibrary& library, const std::string& open_key, UiContext& ui, bool* show) {
    int clicked = -1;
    if (!ImGui::Begin((std::string(tr("Lessons")) + "###lessons").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ui.panel_flags)) {
        ImGui::End();
        return clicked;
    }
    const Palette& pal = palette();
    const ImGuiStyle& st = ImGui::GetStyle();
    ImFont* small = ui.fonts->small;
    const Rect panel{ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, ImGui::GetWindowSize().x, ImGui::GetWindowSize().y};
    if (ui.regions) ui.regions->record("lesson_list", panel);

    // ---- the hide button, top right
    if (show) {
        const char* hide = tr("Hide (L)");
        const float bw = ImGui::CalcTextSize(hide).x + st.FramePadding.x * 2;
        ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - bw);
        if (ImGui::SmallButton(hide)) *show = false;
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("more room for the lesson; L or Lessons > Lesson list brings it back"));
    }

    const std::vector<PaperGroup> groups = library.groups();
    if (groups.empty()) {
        ImGui::TextWrapped(tr("No lessons in %s."), library.dir().c_str());
    }
    const auto& entries = library.entries();
    for (const PaperGroup& g : groups) {
        ImGui::Spacing();
        // ---- the paper: title and year
        if (!g.title.empty()) {
            ImGui::PushFont(ui.fonts->heading);
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(150 / 255.f, 196 / 255.f, 1.0f, 1.0f));
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextUnformatted(g.title.c_str());
            ImGui::PopTextWrapPos();
            ImGui::PopStyleColor();
            ImGui::PopFont();
            ImGui::TextDisabled("%d", g.year);
        } else {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.error));
            ImGui::TextUnformatted(tr("Files with errors"));
            ImGui::PopStyleColor();
        }
        ImGui::Separator();
        int number = 0;
        for (int idx : g.entries) {
            const LessonEntry& e = entries[idx];
            ImGui::PushID(idx);
            const float w = ImGui::GetContentRegionAvail().x;
            if (!e.lesson) {
                // a broken file: its name and the loader's one line, in red, wrapped
                ImGui::TextUnformatted(e.name().c_str());
                ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.error));
                ImGui::PushFont(small);
                ImGui::PushTextWrapPos(0.0f);
                ImGui::TextUnformatted(e.error.c_str());
                ImGui::PopTextWrapPos();
                ImGui::PopFont();
                ImGui::PopStyleColor();
                ImGui::Spacing();
                ImGui::PopID();
                continue;
            }
            number++;
            const Lesson& l = *e.lesson;
            ui.fonts->request_text(l.title);
            const bool is_open = e.key == open_key;
            // one selectable row: "1  Title (wrapped)" then "7 min · 2 / 4 steps seen" and a progress bar
            char num[16];
            std::snprintf(num, sizeof num, "%d", number);
            const float num_w = ImGui::CalcTextSize("00").x + st.ItemInnerSpacing.x;
            const float text_w = std::max(40.0f, w - num_w - st.FramePadding.x * 2);
            const ImVec2 title_size = ImGui::CalcTextSize(l.title.c_str(), nullptr, false, text_w);
            const int seen = library.seen_count(e);
            const int total = (int)l.steps.size();
            char meta[160];
            std::snprintf(meta, sizeof meta, tr("%d min  ·  %d / %d steps seen%s"), l.minutes, seen, total,
                          e.outside ? tr("  ·  opened file") : "");
            const float meta_h = small->FontSize;
            const float bar_h = std::max(3.0f, ImGui::GetFontSize() * 0.22f);
            const float row_h = title_size.y + meta_h + bar_h + st.ItemSpacing.y * 2 + st.FramePadding.y * 2;
            const ImVec2 p = ImGui::GetCursorScreenPos();
            if (ImGui::Selectable("##lesson", is_open, 0, ImVec2(w, row_h)) && !is_open) clicked = idx;
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", l.title.c_str(), e.file.c_str());
            ImDrawList* dl = ImGui::GetWindowDrawList();
            const float x0 = p.x + st.FramePadding.x, y0 = p.y + st.FramePadding.y;
            dl->AddText(ImVec2(x0, y0), is_open ? pal.accent : pal.text_dim, num);
            dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(x0 + num_w, y0), ImGui::GetColorU32(ImGuiCol_Text),
                        l.title.c_str(), nullptr, text_w);
            const float my = y0 + title_size.y + st.ItemSpacing.y * 0.5f;
            dl->AddText(small, small->FontSize, ImVec2(x0 + num_w, my), pal.text_dim, meta);
            // progress: steps seen / steps
            const float by = my + meta_h + st.ItemSpacing.y * 0.5f, bw = text_w;
            dl->AddRectFilled(ImVec2(x0 + num_w, by), ImVec2(x0 + num_w + bw, by + bar_h), with_alpha(palette().faint, 28), bar_h);
            if (seen > 0)
                dl->AddRectFilled(ImVec2(x0 + num_w, by), ImVec2(x0 + num_w + bw * seen / std::max(1, total), by + bar_h),
                                  seen >= total ? pal.ok : pal.accent, bar_h);
            ImGui::PopID();
        }
    }
    ImGui::End();
    return clicked;
}

}  // namespace noam::viz
