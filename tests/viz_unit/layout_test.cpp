// Layout arithmetic: panels tile the window, grids fit, labels do not collide, tokens wrap.
#include <gtest/gtest.h>

#include <tuple>

#include "layout.h"

using namespace noam::viz;

static float area(const Rect& r) { return r.w * r.h; }

static bool overlap(const Rect& a, const Rect& b) {
    return a.x < b.right() - 0.5f && b.x < a.right() - 0.5f && a.y < b.bottom() - 0.5f && b.y < a.bottom() - 0.5f;
}

TEST(DefaultLayout, TilesTheWindowAtCommonSizes) {
    for (auto [w, h] : {std::pair{1280.f, 800.f}, {1920.f, 1080.f}, {1024.f, 640.f}, {3840.f, 2160.f}}) {
        const float top = 24;
        const PanelLayout p = default_layout(w, h, top);
        const Rect all[] = {p.controls, p.setup, p.loss, p.sample, p.summary, p.attention};
        float sum = 0;
        for (int i = 0; i < 6; i++) {
            EXPECT_GT(all[i].w, 150) << w << "x" << h << " panel " << i;
            EXPECT_GT(all[i].h, 100) << w << "x" << h << " panel " << i;
            EXPECT_GE(all[i].x, 0);
            EXPECT_GE(all[i].y, top);
            EXPECT_LE(all[i].right(), w + 0.01f);
            EXPECT_LE(all[i].bottom(), h + 0.01f);
            sum += area(all[i]);
            for (int j = 0; j < i; j++) EXPECT_FALSE(overlap(all[i], all[j])) << "panels " << i << " and " << j;
        }
        EXPECT_NEAR(sum, w * (h - top), 1.0f) << "panels should tile the window exactly";
    }
}

TEST(FitGrid, SquareCellsThatFit) {
    const GridLayout g = fit_grid(2, 4, 500, 300, 6, 30, 20, 1000);
    EXPECT_EQ(g.rows, 2);
    EXPECT_EQ(g.cols, 4);
    EXPECT_LE(g.width(), 500.0f);
    EXPECT_LE(g.height(), 300.0f);
    // width-bound: (500 - 30 - 18) / 4 = 113
    EXPECT_FLOAT_EQ(g.cell, 113.0f);
    const Rect c = g.cell_rect(1, 2);
    EXPECT_FLOAT_EQ(c.x, 30 + 2 * (113 + 6));
    EXPECT_FLOAT_EQ(c.y, 20 + 1 * (113 + 6));
    EXPECT_FLOAT_EQ(fit_grid(1, 1, 1000, 1000, 0, 0, 0, 64).cell, 64.0f) << "max_cell caps";
}

TEST(FitGrid, HitTestingSkipsHeadersAndGaps) {
    const GridLayout g = fit_grid(2, 2, 230, 230, 10, 20, 20, 1000);  // cell 100
    int r = -1, c = -1;
    EXPECT_TRUE(g.hit(25, 25, r, c));
    EXPECT_EQ(r, 0);
    EXPECT_EQ(c, 0);
    EXPECT_TRUE(g.hit(20 + 110 + 5, 20 + 110 + 99, r, c));
    EXPECT_EQ(r, 1);
    EXPECT_EQ(c, 1);
    EXPECT_FALSE(g.hit(10, 50, r, c)) << "header";
    EXPECT_FALSE(g.hit(20 + 105, 50, r, c)) << "gap";
    EXPECT_FALSE(g.hit(20 + 230, 50, r, c)) << "outside";
}

TEST(LabelStride, NoOverlap) {
    EXPECT_EQ(label_stride(20, 14), 1);
    EXPECT_EQ(label_stride(8, 14), 2);
    EXPECT_EQ(label_stride(3, 14), 5);
    EXPECT_EQ(label_stride(1, 14), 16);
    for (float cell : {0.5f, 1.f, 2.f, 3.3f, 7.f, 13.f})
        EXPECT_GE(label_stride(cell, 14) * cell, 14.0f);
}

TEST(CellAt, InsideAndOutside) {
    EXPECT_EQ(cell_at(105, 100, 10, 5), 0);
    EXPECT_EQ(cell_at(149.9f, 100, 10, 5), 4);
    EXPECT_EQ(cell_at(150, 100, 10, 5), -1);
    EXPECT_EQ(cell_at(99, 100, 10, 5), -1);
}

TEST(FlowLayout, WrapsAtTheEdge) {
    const auto r = flow_layout({40, 40, 40, 100, 10}, 20, 130, 5, 4);
    ASSERT_EQ(r.size(), 5u);
    EXPECT_FLOAT_EQ(r[0].x, 0);
    EXPECT_FLOAT_EQ(r[1].x, 45);
    EXPECT_FLOAT_EQ(r[2].x, 90);
    EXPECT_FLOAT_EQ(r[2].y, 0);
    EXPECT_FLOAT_EQ(r[3].x, 0);   // 135 + 100 > 130: next line
    EXPECT_FLOAT_EQ(r[3].y, 24);
    EXPECT_FLOAT_EQ(r[4].x, 105);
    for (const Rect& b : r) EXPECT_LE(b.right(), 130.0f);
}

TEST(HeatmapLayout, SquareCellsLeaveRoomForLabelsAndLegend) {
    const HeatmapLayout l = heatmap_layout({10, 20, 400, 300}, 32, 32, 24, 18, 40, true);
    EXPECT_FLOAT_EQ(l.cell_w, l.cell_h);
    EXPECT_FLOAT_EQ(l.cell_w, 8.0f);  // min((400-24-40-8)/32, (300-18)/32) = min(10.25, 8.8) -> 8
    EXPECT_FLOAT_EQ(l.map.x, 34);
    EXPECT_FLOAT_EQ(l.map.y, 38);
    EXPECT_LE(l.legend.right(), 10 + 400.0f);
    EXPECT_GE(l.legend.x, l.map.right());
}

TEST(LessonLayout, ColumnsTileTheWindow) {
    for (auto [w, h, s] : {std::tuple{1280.f, 800.f, 1.0f}, {1920.f, 1080.f, 1.35f}, {1024.f, 640.f, 1.0f}}) {
        for (bool list : {true, false}) {
            const float top = 22;
            const LessonLayout l = lesson_layout(w, h, top, s, list);
            EXPECT_EQ(l.list.w > 0, list);
            EXPECT_FLOAT_EQ(l.step.x, l.list.w);
            EXPECT_FLOAT_EQ(l.panels.x, l.step.right());
            EXPECT_NEAR(l.panels.right(), w, 0.01f);
            EXPECT_GE(l.panels.w, 300.0f) << w << "x" << h;
            EXPECT_GE(l.step.w, std::min(380.0f * s, w * 0.45f) - 1) << "the narrative keeps a readable measure";
            EXPECT_FLOAT_EQ(l.step.y, top);
            EXPECT_FLOAT_EQ(l.step.h, h - top);
        }
    }
    // without the list the narrative gets wider
    EXPECT_GT(lesson_layout(1280, 800, 20, 1, false).step.w, lesson_layout(1280, 800, 20, 1, true).step.w);
}

TEST(StackPanels, HeightsFollowWeightsAndMinimums) {
    const Rect area{100, 20, 600, 780};
    auto r = stack_panels(area, {1.5f, 1.0f, 0.7f}, {200, 250, 200});
    ASSERT_EQ(r.size(), 3u);
    float sum = 0;
    for (size_t i = 0; i < r.size(); i++) {
        EXPECT_FLOAT_EQ(r[i].x, 100);
        EXPECT_FLOAT_EQ(r[i].w, 600);
        sum += r[i].h;
        if (i > 0) {
            EXPECT_FLOAT_EQ(r[i].y, r[i - 1].bottom());
        }
    }
    EXPECT_NEAR(sum, 780, 0.01f) << "the panels tile the area";
    EXPECT_GE(r[1].h, 250) << "a minimum holds when it fits";
    EXPECT_GE(r[2].h, 200);
    EXPECT_GT(r[0].h, r[2].h);
    // one panel: the whole area
    r = stack_panels(area, {1.0f}, {100});
    EXPECT_FLOAT_EQ(r[0].h, 780);
    // minimums that cannot all fit: shared in proportion to them, still tiling
    r = stack_panels(area, {1, 1}, {600, 600});
    EXPECT_NEAR(r[0].h + r[1].h, 780, 0.01f);
    EXPECT_NEAR(r[0].h, 390, 1.0f);
    // four panels: two columns, side by side, each tiled
    r = stack_panels(area, {1, 1, 1, 1}, {100, 100, 100, 100});
    EXPECT_FLOAT_EQ(r[0].x, 100);
    EXPECT_FLOAT_EQ(r[2].x, 400);
    EXPECT_FLOAT_EQ(r[1].bottom(), 800);
    EXPECT_FLOAT_EQ(r[3].bottom(), 800);
    EXPECT_TRUE(stack_panels(area, {}, {}).empty());
}
