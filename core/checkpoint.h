// Saved runs (.noamrun files): everything a Trainer needs to continue exactly where it stopped (config, step,
// weights, optimizer state, random-number states, history), in the format docs/run_format.md describes:
// magic, version, a JSON header, raw little-endian arrays and a CRC-32 of it all. Writes are atomic; a damaged,
// truncated, newer or mismatched file is refused with one line naming the file and the problem, and refusing
// changes nothing.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "config.h"
#include "replay_log.h"
#include "trainer.h"

namespace noam {

constexpr uint32_t kRunFormatVersion = 2;  // bump when the layout changes; docs/run_format.md lists the versions

// A run file that cannot be used: what() is one line, "<file>: <problem>". A ConfigError, so every command
// reports it the way it reports a bad config (exit code 2).
struct RunFileError : ConfigError {
    using ConfigError::ConfigError;
};

// The bytes of a run file holding tr's whole state, and the replay log's frames when one is given (not empty).
std::string encode_run(const Trainer& tr, const ReplayLog* replay = nullptr);
// Writes encode_run(tr, replay) to path atomically (see write_file_atomic; limits: fault injection for tests).
// Call it between steps, from the thread that steps tr. Throws std::runtime_error when the write fails.
void save_run(const Trainer& tr, const std::string& path, const WriteLimits& limits = {}, const ReplayLog* replay = nullptr);

// Builds the trainer a run file describes (its config; the data is rebuilt from the config and must give the
// same symbols) and restores its state: stepping it continues the saved run bit for bit.
// Throws RunFileError (bad file) or ConfigError (its config no longer builds, e.g. a corpus file is gone).
// replay (optional): receives the file's replay log (empty for a file without one, e.g. version 1).
std::unique_ptr<Trainer> load_run(const std::string& path, ReplayLog* replay = nullptr);
// Restores a run file's state into an existing trainer. Its config must equal the file's (train.threads
// aside: it does not change results); otherwise RunFileError names the differences. On any error tr is unchanged.
void restore_run(Trainer& tr, const std::string& path);

// What `noamlab info` prints: the header of a run file, after every check load_run makes (the whole file is read,
// its checksum verified, and the model its config builds must fit the saved weights and optimizer state).
struct RunFileInfo {
    uint32_t version = 0;
    uint32_t checksum = 0;      // the CRC-32 stored in (and verified against) the file
    size_t file_bytes = 0;
    RunConfig config;
    int step = 0;
    size_t history_length = 0;
    std::string optimizer;      // its name, e.g. "AdamW"
    size_t param_floats = 0;    // weights
    size_t state_floats = 0;    // optimizer state
    std::string stopped;        // the reason the run had stopped itself, if it had
    size_t replay_frames = 0;   // pictures kept for the window's replay (version 2; 0: none)
    int replay_every = 0;       //   every this many steps
    nlohmann::json header;      // the whole header
};
RunFileInfo read_run_info(const std::string& path);

// The run file as a recording: a fresh trainer of the file's config and seed retrains the saved steps, and every
// step's record (wall-clock tokens/s aside), then the weights, the optimizer state and the data position are
// compared with the file's, bit for bit. A difference is named: the first step that differs and how, e.g. when
// the learning-rate knob was turned during the run (the history records its effect, the lr, not the knob).
struct ReplayResult {
    bool same = true;
    int steps = 0;           // steps retrained
    std::string difference;  // the first difference, when !same
};
ReplayResult replay_run(const std::string& path);

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320; the one zlib.crc32 and PNG use) of n bytes.
uint32_t crc32(const void* data, size_t n);

}  // namespace noam
