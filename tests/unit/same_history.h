// Bit-for-bit comparison of two training histories, shared by the determinism and saved-run tests.
#pragma once
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "trainer.h"

namespace noam::test {

// Same steps, same numbers: the float bits compared, not within a tolerance (the wall-clock fields, tokens/s, excluded).
inline void expect_same_history(const std::vector<StepRecord>& a, const std::vector<StepRecord>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); i++) {
        ASSERT_EQ(a[i].step, b[i].step) << "row " << i;
        for (const StepRecordField& f : step_record_fields()) {
            if (f.kind == StepFieldKind::wallclock) continue;
            ASSERT_EQ(std::memcmp(&(a[i].*f.field), &(b[i].*f.field), sizeof(float)), 0)
                << "step " << a[i].step << ", " << f.name << ": " << a[i].*f.field << " vs " << b[i].*f.field;
        }
    }
}

}  // namespace noam::test
