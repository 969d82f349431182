// Bit-for-bit comparison of two training histories, shared by the determinism and saved-run tests.
#pragma once
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "trainer.h"

namespace noam::test {

// Same steps, same numbers: the float bits compared, not within a tolerance (tokens/s is wall-clock and excluded).
inline void expect_same_history(const std::vector<StepRecord>& a, const std::vector<StepRecord>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); i++) {
        ASSERT_EQ(a[i].step, b[i].step) << "row " << i;
        for (auto field : {&StepRecord::loss, &StepRecord::nll, &StepRecord::accuracy, &StepRecord::val_loss,
                           &StepRecord::val_accuracy, &StepRecord::lr, &StepRecord::grad_norm,
                           &StepRecord::moe_aux_loss, &StepRecord::moe_balance_loss, &StepRecord::moe_importance_loss,
                           &StepRecord::moe_load_loss, &StepRecord::moe_z_loss, &StepRecord::moe_dropped_fraction,
                           &StepRecord::moe_load_cv, &StepRecord::moe_router_entropy,
                           &StepRecord::moe_router_logit_mean, &StepRecord::moe_router_logit_max})
            ASSERT_EQ(std::memcmp(&(a[i].*field), &(b[i].*field), sizeof(float)), 0)
                << "step " << a[i].step << ": " << a[i].*field << " vs " << b[i].*field;
    }
}

}  // namespace noam::test
