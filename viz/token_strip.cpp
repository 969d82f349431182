// Token strip drawing: measure, flow into lines, tint, hover.
#include "token_strip.h"

#include <algorithm>
#include <cstdio>

#include "i18n.h"
#include "layout.h"
#include "theme.h"

namespace noam::viz {

int TokenStrip(const char* id, const std::vector<std::string>& labels, const float* values,
               const TokenStripOptions& opt) {
    ImGui::PushID(id);
    const Palette& pal = palette();
    ImFont* font = opt.font ? opt.font : ImGui::GetFont();
    const float fs = font->FontSize;
    const float pad = std::max(3.0f, fs * 0.3f), box_h = fs + pad * 1.2f, gap = 2.0f;
    const float avail = opt.max_width > 0 ? opt.max_width : std::max(50.0f, ImGui::GetContentRegionAvail().x);
    std::vector<float> widths(labels.size());
    for (size_t i = 0; i < labels.size(); i++)
        widths[i] = std::max(font->CalcTextSizeA(fs, 1e9f, 0, labels[i].c_str()).x + 2 * pad, box_h * 0.9f);
    const std::vector<Rect> boxes = flow_layout(widths, box_h, avail, gap, gap + 1);
    float total_h = box_h;
    for (const Rect& b : boxes) total_h = std::max(total_h, b.bottom());

    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##tokens", ImVec2(avail, total_h));
    const bool item_hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 mp = ImGui::GetIO().MousePos;
    int hovered = -1;
    for (size_t i = 0; i < boxes.size(); i++) {
        const Rect& b = boxes[i];
        const ImVec2 a(p0.x + b.x, p0.y + b.y), z(p0.x + b.right(), p0.y + b.bottom());
        const bool dim = opt.dim && i < opt.dim->size() && (*opt.dim)[i];
        Rgb bg{0.20f, 0.22f, 0.27f};
        if (values && !dim) bg = map_value(opt.scale, values[i], opt.lo, opt.hi, opt.gamma);
        dl->AddRectFilled(a, z, pack_rgba(bg), 3.0f);
        const Rgb fg = (values && !dim) ? contrast_text(bg) : Rgb{0.85f, 0.87f, 0.9f};
        const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, labels[i].c_str());
        dl->AddText(font, fs, ImVec2(a.x + (b.w - ts.x) * 0.5f, a.y + (b.h - fs) * 0.5f), pack_rgba(fg, dim ? 0.6f : 1.0f),
                    labels[i].c_str());
        if ((int)i == opt.highlight) dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(z.x + 1, z.y + 1), pal.accent, 3.0f, 0, 2.0f);
        if (item_hovered && mp.x >= a.x && mp.x < z.x && mp.y >= a.y && mp.y < z.y) {
            hovered = (int)i;
            dl->AddRect(a, z, pal.hover, 3.0f, 0, 1.5f);
        }
    }
    if (hovered >= 0 && opt.tooltip) {
        ImGui::BeginTooltip();
        ImGui::Text(tr("token %d  '%s'"), hovered, labels[hovered].c_str());
        if (values) {
            char buf[64];
            std::snprintf(buf, sizeof buf, opt.value_format, values[hovered]);
            ImGui::Text("%s %s", opt.value_name ? tr(opt.value_name) : tr("value"), buf);
        }
        ImGui::EndTooltip();
    }
    ImGui::PopID();
    return hovered;
}

}  // namespace noam::viz
