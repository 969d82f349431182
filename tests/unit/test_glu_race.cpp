// The GLU paper's claim on a model small enough for CI: at equal parameters, SwiGLU's FFN reaches a lower
// validation loss than the ReLU FFN.
//
// The setting (configs/glu_race.json): a character-level language model on Debian's fortunes-min quotations;
// d_model 32, 4 heads, 2 layers, d_ff 128 (85 for swiglu: the 2/3 rule, 64 parameters fewer in all), no FFN
// biases, context 32, batch 16, Adam lr 3e-3 with a cosine schedule to 3e-4 after 30 warmup steps, 600 steps,
// seeds 1, 2 and 3 (the same data order and validation batches for both kinds at each seed).
// Measured on seeds 1-6 (noamlab race configs/glu_race.json --variants ffn=relu,swiglu --seeds 6):
// swiglu 2.526 +- 0.011, relu 2.550 +- 0.018 nats per character; swiglu lower on 5 of the 6 seeds (seed 3 is
// the exception, by 0.005), so the mean over seeds 1-3 still ranks swiglu first, by about 0.025.
// About 25 s of CPU time (6 runs of 600 steps), two runs at a time.
#include <gtest/gtest.h>

#include <cmath>

#include "race.h"

using namespace noam;

TEST(GluRace, SwiGluBeatsReluAtEqualParameters) {
    const RunConfig base = load_run_config(std::string(NOAM_SOURCE_DIR) + "/configs/glu_race.json");
    const std::vector<RaceVariant> variants = parse_race_variants("ffn=relu,swiglu", base, "glu_race.json");
    RaceOptions opt;
    opt.seeds = 3;
    const RaceResult r = run_race(base, variants, opt);
    const RaceEntry* relu = r.find("relu");
    const RaceEntry* swiglu = r.find("swiglu");
    ASSERT_TRUE(relu && swiglu);
    ASSERT_EQ(relu->finished, 3) << "a relu run stopped: " << relu->runs[0].error;
    ASSERT_EQ(swiglu->finished, 3) << "a swiglu run stopped: " << swiglu->runs[0].error;
    // the comparison is fair: the gated FFN has (within one row of d_model per layer) the ReLU FFN's parameters
    EXPECT_EQ(swiglu->ffn_hidden, 85);
    EXPECT_LE(std::labs((long)swiglu->params - (long)relu->params), 2 * 32);
    // the claim: swiglu ranks first on the mean final validation loss
    EXPECT_EQ(swiglu->rank, 1) << "swiglu " << swiglu->mean << " vs relu " << relu->mean;
    EXPECT_EQ(relu->rank, 2);
    EXPECT_LT(swiglu->mean, relu->mean);
    // and both models learned English letters (uniform guessing over ~80 symbols is ~4.4 nats)
    EXPECT_LT(relu->mean, 2.8);
    std::printf("  swiglu %.4f +- %.4f, relu %.4f +- %.4f (mean +- std over seeds 1-3), %.1f s\n", swiglu->mean,
                swiglu->std, relu->mean, relu->std, r.seconds);
}
