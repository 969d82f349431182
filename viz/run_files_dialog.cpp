// Saving the window's runs and the Open run modal.
#include "run_files_dialog.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <imgui.h>

#include "i18n.h"
#include "run_files.h"
#include "theme.h"

namespace noam::viz {

void RunFilesDialog::save(RunSet& runs, const std::string& stem) {
    saved_.clear();
    for (size_t i = 0; i < runs.size(); i++) {
        RunView& v = runs.view(i);
        if (!v.live) continue;
        const std::string label = runs.comparing() && !runs.label(i).empty() ? "-" + file_name_part(runs.label(i)) : "";
        pending_.push_back({&v, v.live->save(runs_dir, file_name_part(stem) + label)});
    }
}

std::string RunFilesDialog::poll() {
    bool finished = false;
    for (auto it = pending_.begin(); it != pending_.end();) {
        const SaveResult r = it->view->live ? it->view->live->last_save() : SaveResult{};
        if (it->view->live && r.request != it->request) {
            ++it;
            continue;
        }
        if (!it->view->live) error = tr("the run was replaced before it was saved");
        else if (r.ok) saved_.push_back(r.path);
        else error = r.error;
        it = pending_.erase(it);
        finished = true;
    }
    if (!finished || !pending_.empty()) return "";
    if (saved_.empty()) return "";
    error.clear();
    std::string line = tr("saved");
    for (size_t i = 0; i < saved_.size(); i++) line += (i ? ", " : " ") + saved_[i];
    return line;
}

void RunFilesDialog::request_open() {
    want_show_ = true;
    files_ = list_run_files(runs_dir);
    selected_ = 0;
    const std::string first = files_.empty() ? runs_dir + "/" : files_[0];
    std::snprintf(path_, sizeof path_, "%s", first.c_str());
}

void RunFilesDialog::key_up_down(int delta) {
    if (files_.empty()) return;
    selected_ = std::clamp(selected_ + delta, 0, (int)files_.size() - 1);
    std::snprintf(path_, sizeof path_, "%s", files_[selected_].c_str());
}

std::string RunFilesDialog::DrawOpen(UiContext& ui) {
    if (want_show_) {
        ImGui::OpenPopup(tr_title("Open run", "open_run").c_str());
        want_show_ = false;
        shown_ = true;
    }
    if (!shown_) return "";
    std::string chosen;
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    const float width = 600 * ui.scale;  // fixed: the modal grows in height only (an error line, more files)
    if (!ImGui::BeginPopupModal(tr_title("Open run", "open_run").c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
        shown_ = false;
        return "";
    }
    ImGui::TextDisabled(tr("Saved runs in %s (newest first):"), runs_dir.c_str());
    const float list_h = ImGui::GetTextLineHeightWithSpacing() * std::clamp((int)files_.size(), 3, 10);
    if (ImGui::BeginChild("files", ImVec2(width, list_h), true)) {
        if (files_.empty()) ImGui::TextDisabled("%s", tr("none yet: File > Save run (Ctrl+S) writes one here"));
        for (int i = 0; i < (int)files_.size(); i++) {
            const std::string name = std::filesystem::path(files_[i]).filename().string();
            if (ImGui::Selectable(name.c_str(), i == selected_, ImGuiSelectableFlags_AllowDoubleClick)) {
                selected_ = i;
                std::snprintf(path_, sizeof path_, "%s", files_[i].c_str());
                if (ImGui::IsMouseDoubleClicked(0)) confirm_ = true;
            }
        }
    }
    ImGui::EndChild();
    ImGui::TextUnformatted(tr("File"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(width - ImGui::GetCursorPosX() + ImGui::GetStyle().WindowPadding.x);
    if (ImGui::InputText("##path", path_, sizeof path_, ImGuiInputTextFlags_EnterReturnsTrue)) confirm_ = true;
    if (!error.empty()) {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().error), "%s", error.c_str());
        ImGui::PopTextWrapPos();
    }
    if (ImGui::Button((std::string(tr("Open")) + "###open").c_str())) confirm_ = true;
    ImGui::SameLine();
    if (ImGui::Button((std::string(tr("Cancel")) + "###cancel").c_str())) close();
    if (confirm_) {
        confirm_ = false;
        if (path_[0]) chosen = path_;
    }
    if (!shown_) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return chosen;
}

}  // namespace noam::viz
