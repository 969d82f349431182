// Times training steps of the bench models (the same configs as `noamlab bench`, cli/cmd_bench.cpp) and prints
// one line: "<model> <threads> <median wall ms/step> cpu <median process CPU ms/step> loss <last loss>" (with one
// thread the CPU time is what a shared machine's other processes barely move). Linked once against the core as it is and once with
// bench/proposal/matmul.cpp in front of the core library, by compare_step.sh.
#include <omp.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "trainer.h"

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: step_driver S|M THREADS STEPS\n");
        return 2;
    }
    const std::string size = argv[1];
    const int threads = std::atoi(argv[2]), steps = std::atoi(argv[3]);
    noam::RunConfig c;
    c.model.vocab_size = 65;
    c.model.d_model = size == "M" ? 128 : 64;
    c.model.n_heads = 4;
    c.model.n_layers = size == "M" ? 4 : 2;
    c.model.d_ff = size == "M" ? 512 : 256;
    c.model.seq_len = 64;
    c.data.task = "random";
    c.data.digits = 36;
    c.train.batch_size = 16;
    c.train.steps = 1000000;
    c.train.eval_every = 1 << 30;
    c.train.val_batches = 1;
    c.train.threads = threads;
    noam::Trainer tr(c);
    for (int i = 0; i < 3; i++) tr.step();
    auto cpu_ms = [] {
        timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
    };
    std::vector<double> ms, cpu;
    for (int i = 0; i < steps; i++) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = cpu_ms();
        if (!tr.step()) return 1;
        cpu.push_back(cpu_ms() - c0);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("%s %d %.3f cpu %.3f loss %.6f\n", size.c_str(), threads, ms[ms.size() / 2], cpu[cpu.size() / 2],
                tr.history.back().loss);
    return 0;
}
