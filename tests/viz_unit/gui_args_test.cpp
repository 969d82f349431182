// The gui flags: values, defaults, one-line errors.
#include <gtest/gtest.h>

#include <GLFW/glfw3.h>

#include "gui_args.h"

using namespace noam::viz;

TEST(GuiArgs, DefaultsAndValues) {
    GuiOptions o;
    std::string err;
    ASSERT_TRUE(parse_gui_args({}, o, err));
    EXPECT_EQ(o.frames, -1);
    EXPECT_EQ(o.width, 1280);
    ASSERT_TRUE(parse_gui_args({"my.json", "--frames", "12", "--train-steps", "300", "--screenshot", "a.png",
                                "--play", "--scale", "1.5", "--size", "1920x1080", "--seed", "7",
                                "--layout-out", "l.json", "--frame-stats", "f.json", "--frame-log", "frames.txt"},
                               o, err))
        << err;
    EXPECT_EQ(o.config_path, "my.json");
    EXPECT_EQ(o.frames, 12);
    EXPECT_EQ(o.train_steps, 300);
    EXPECT_EQ(o.screenshot, "a.png");
    EXPECT_TRUE(o.play);
    EXPECT_FLOAT_EQ(o.scale, 1.5f);
    EXPECT_EQ(o.width, 1920);
    EXPECT_EQ(o.height, 1080);
    EXPECT_TRUE(o.seed_set);
    EXPECT_EQ(o.seed, 7u);
    EXPECT_EQ(o.layout_out, "l.json");
    EXPECT_EQ(o.frame_stats, "f.json");
    EXPECT_EQ(o.frame_log, "frames.txt");
}

TEST(GuiArgs, UnknownFlagIsOneLine) {
    GuiOptions o;
    std::string err;
    EXPECT_FALSE(parse_gui_args({"--x"}, o, err));
    EXPECT_EQ(err, "noamlab gui: unknown flag '--x' (see noamlab gui --help)");
}

TEST(GuiArgs, BadValues) {
    std::string err;
    for (auto args : std::vector<std::vector<std::string>>{{"--frames", "0"},
                                                           {"--frames", "ten"},
                                                           {"--frames"},
                                                           {"--scale", "9"},
                                                           {"--size", "1280"},
                                                           {"--size", "10x10"},
                                                           {"--seed", "-1"},
                                                           {"--frame-log", ""},
                                                           {"--lang", "fr"},
                                                           {"--lang"},
                                                           {"a.json", "b.json"}}) {
        GuiOptions o;
        err.clear();
        EXPECT_FALSE(parse_gui_args(args, o, err)) << args[0];
        EXPECT_EQ(err.find('\n'), std::string::npos);
        EXPECT_EQ(err.rfind("noamlab gui: ", 0), 0u) << err;
    }
}

TEST(GuiArgs, Language) {
    GuiOptions o;
    std::string err;
    EXPECT_EQ(o.lang, "") << "no flag: the language chosen last time, else English";
    ASSERT_TRUE(parse_gui_args({"--lang", "zh"}, o, err)) << err;
    EXPECT_EQ(o.lang, "zh");
    GuiOptions bad;
    EXPECT_FALSE(parse_gui_args({"--lang", "chinese"}, bad, err));
    EXPECT_EQ(err, "noamlab gui: bad value 'chinese' for --lang (expected en or zh)");
}

TEST(GuiArgs, InteractiveWindowTrainsAtOnceHeadlessWaits) {
    GuiOptions o;
    std::string err;
    ASSERT_TRUE(parse_gui_args({}, o, err));
    EXPECT_TRUE(starts_playing(o)) << "a new user sees the model train within seconds";
    ASSERT_TRUE(parse_gui_args({"--paused"}, o = GuiOptions(), err));
    EXPECT_FALSE(starts_playing(o));
    ASSERT_TRUE(parse_gui_args({"--frames", "5"}, o = GuiOptions(), err));
    EXPECT_FALSE(starts_playing(o)) << "headless runs step exactly (--train-steps) unless --play";
    ASSERT_TRUE(parse_gui_args({"--frames", "5", "--play"}, o = GuiOptions(), err));
    EXPECT_TRUE(starts_playing(o));
    EXPECT_FALSE(parse_gui_args({"--play", "--paused"}, o = GuiOptions(), err));
}

TEST(GuiArgs, LessonStepKeysAndStateOut) {
    GuiOptions o;
    std::string err;
    ASSERT_TRUE(parse_gui_args({"l.json", "--lesson-step", "3", "--keys", "Right, right,,Space,Ctrl+R,PageDown,f2,q",
                                "--state-out", "s.json"},
                               o, err))
        << err;
    EXPECT_EQ(o.lesson_step, 3);
    EXPECT_EQ(o.state_out, "s.json");
    ASSERT_EQ(o.keys.size(), 8u);
    EXPECT_EQ(o.keys[0].key, o.keys[1].key) << "names are case-insensitive and trimmed";
    EXPECT_EQ(o.keys[2].key, 0) << "an empty name is a frame without a key";
    EXPECT_NE(o.keys[3].key, 0);
    EXPECT_NE(o.keys[4].mods, 0) << "Ctrl+R has a modifier";
    EXPECT_EQ(o.keys[4].key, o.keys[7].key + ('R' - 'Q'));
    for (auto args : std::vector<std::vector<std::string>>{
             {"--lesson-step", "0"}, {"--lesson-step", "x"}, {"--keys", "Rigth"}, {"--keys", "Hyper+A"}, {"--keys"}}) {
        GuiOptions bad;
        err.clear();
        EXPECT_FALSE(parse_gui_args(args, bad, err)) << args[0];
        EXPECT_EQ(err.rfind("noamlab gui: ", 0), 0u) << err;
        EXPECT_EQ(err.find('\n'), std::string::npos);
    }
    std::vector<KeyPress> keys;
    EXPECT_FALSE(parse_key_list("Rigth", keys, err));
    EXPECT_NE(err.find("'Rigth'"), std::string::npos) << "names the bad key: " << err;
}

TEST(GuiArgs, PresenterAndTheme) {
    GuiOptions o;
    std::string err;
    ASSERT_TRUE(parse_gui_args({}, o, err));
    EXPECT_FALSE(o.presenter);
    EXPECT_EQ(o.theme, "");
    ASSERT_TRUE(parse_gui_args({"--presenter", "--theme", "contrast"}, o, err)) << err;
    EXPECT_TRUE(o.presenter);
    EXPECT_EQ(o.theme, "contrast");
    GuiOptions bad;
    EXPECT_FALSE(parse_gui_args({"--theme", "neon"}, bad, err));
    EXPECT_EQ(err, "noamlab gui: bad value 'neon' for --theme (expected dark, light or contrast)");
    EXPECT_FALSE(parse_gui_args({"--theme"}, bad, err));
    EXPECT_EQ(err, "noamlab gui: --theme needs a value (see noamlab gui --help)");
}

TEST(GuiArgs, KeyNamesForPresenting) {
    std::vector<KeyPress> k;
    std::string err;
    ASSERT_TRUE(parse_key_list("F5,?,Shift+Slash,T,Home,End,Escape,R", k, err)) << err;
    ASSERT_EQ(k.size(), 8u);
    EXPECT_EQ(k[0].key, GLFW_KEY_F5);
    EXPECT_EQ(k[1].key, GLFW_KEY_SLASH);
    EXPECT_EQ(k[2].key, GLFW_KEY_SLASH);
    EXPECT_EQ(k[2].mods, GLFW_MOD_SHIFT);
    EXPECT_EQ(k[3].key, GLFW_KEY_T);
    EXPECT_EQ(k[4].key, GLFW_KEY_HOME);
    EXPECT_EQ(k[6].key, GLFW_KEY_ESCAPE);
}

TEST(GuiArgs, RunsDirAndASavedRun) {
    GuiOptions o;
    std::string err;
    EXPECT_EQ(o.runs_dir, "noamlab-runs") << "the default runs folder";
    ASSERT_TRUE(parse_gui_args({"r.noamrun", "--runs-dir", "/tmp/r"}, o, err)) << err;
    EXPECT_EQ(o.config_path, "r.noamrun");
    EXPECT_EQ(o.runs_dir, "/tmp/r");
    GuiOptions bad;
    EXPECT_FALSE(parse_gui_args({"--runs-dir", ""}, bad, err));
    EXPECT_NE(err.find("--runs-dir"), std::string::npos) << err;
    EXPECT_FALSE(parse_gui_args({"--runs-dir"}, bad, err));
    ASSERT_TRUE(parse_key_list("Shift+Left,Shift+Right,Home,End,Escape,Ctrl+S,Ctrl+O", o.keys, err)) << err;
}
