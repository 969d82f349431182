// The numbers a lesson's conditions test: validation and training metrics from the history, optimizer facts
// (Adafactor's update RMS and clipping, the optimizer's memory against Adam's), and how much a head's attention
// on the watched example follows a named pattern (previous token, induction ...).
// The window and the headless lesson runner both use these, so a tick means the same in both.
#pragma once
#include <string>
#include <vector>

#include "lesson.h"
#include "snapshot.h"
#include "trainer.h"

namespace noam {

// Mean attention mass (in [0, 1]) that head (layer, head) of the snapshot puts where the pattern says:
//   previous_token  key t-1 for query t (t >= 1)
//   next_token      key t+1: only possible without the causal mask (the model reads the answer: cheating)
//   self            key t (the diagonal)
//   first_token     key 0
//   answer_source   keys in the question part (before the first scored position) holding the token the
//                   query must predict: the anti-diagonal of "reverse", the diagonal of "copy", the value of "recall"
//   induction       key j+1 for every earlier j whose token equals the query's token ("A B ... A -> B")
//   peak            the largest probability of the row, for queries in the second half (that see many keys):
//                   near 1 when the softmax saturates, 1/t when it spreads evenly
// Returns -1 if the pattern has no query to average over in this example.
double attention_pattern_score(const std::string& pattern, const Snapshot& s, int layer, int head);

struct HeadScore {
    int layer = -1, head = -1;
    double score = -1;
};
// the best head for the pattern among those allowed (layer / head -1: any)
HeadScore best_head(const std::string& pattern, const Snapshot& s, int layer, int head);

// The metric's current value, or NaN when it has none yet (no validation has run). loss, accuracy,
// update_rms and update_clipped_fraction are means over the last 10 steps (the last two are Adafactor's, 0 for
// other optimizers); optimizer_memory_ratio is the optimizer's state over Adam's for the same parameters.
double metric_value(const Condition& c, const Snapshot& s, const std::vector<StepRecord>& history);
bool condition_holds(const Condition& c, const Snapshot& s, const std::vector<StepRecord>& history);

// The same on side-by-side runs: one entry per run, the primary first, labels as in the step's "runs".
// c.run picks the run ("" = the primary); with c.versus the two runs are read at the lower of their steps
// (the history after it is ignored) and combined as c.combine says.
struct RunMetrics {
    std::string label;
    const Snapshot* snap = nullptr;
    const std::vector<StepRecord>* history = nullptr;
};
double metric_value(const Condition& c, const std::vector<RunMetrics>& runs);
bool condition_holds(const Condition& c, const std::vector<RunMetrics>& runs);

}  // namespace noam
