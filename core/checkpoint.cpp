// Run files: encoding (header + arrays + CRC-32), decoding with a check for every way a file can be wrong (in the
// order: frame, version, length, checksum, header, fit to the model), and restoring a Trainer.
// Sections: CRC-32 | the pieces of the header | encode | decode | fit and restore | replay | info.
#include "checkpoint.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <tuple>

#include <sys/stat.h>

#include "json_reader.h"

namespace noam {

static_assert(std::endian::native == std::endian::little, "run files hold little-endian arrays copied from memory");

static constexpr char kMagic[8] = {'N', 'O', 'A', 'M', 'R', 'U', 'N', '\0'};
static constexpr size_t kFrontBytes = 8 + 4 + 8;        // magic, format version (uint32), header length (uint64)
static constexpr size_t kFrameBytes = kFrontBytes + 4;  // ... and the CRC-32 at the end

// ==== CRC-32 ====

uint32_t crc32(const void* data, size_t n) {
    // table-driven, one byte at a time: c = table[(c ^ byte) & 0xFF] ^ (c >> 8), starting from and ending with ~0
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    const auto* p = static_cast<const unsigned char*>(data);
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// ==== the pieces of the header ====

// The history is stored by column, one array per StepRecord field ("history.loss" ...; step_record_fields() in
// trainer.h, whose order is the column order), so that a field added later is one more array: a reader fills a
// column the file lacks with the field's default and ignores columns it does not know.

// xoshiro256** state words, and the Box-Muller spare (its float bits, so that it round-trips exactly)
static nlohmann::json rng_to_json(const Rng& r) {
    return {{"s", {r.s[0], r.s[1], r.s[2], r.s[3]}}, {"has_spare", r.has_spare},
            {"spare_bits", std::bit_cast<uint32_t>(r.spare)}};
}

static Rng rng_from_json(const nlohmann::json& j, const std::string& where, const std::string& at) {
    ObjectReader r(j, where, at);
    const nlohmann::json& s = r.require_child("s");
    if (!s.is_array() || s.size() != 4)
        r.fail("s", "expected the 4 state words of xoshiro256**, got " + json_type_name(s));
    Rng rng;
    for (int i = 0; i < 4; i++) {
        if (!s[i].is_number_unsigned() && !(s[i].is_number_integer() && s[i].get<int64_t>() >= 0))
            config_fail(where, at + "/s/" + std::to_string(i), "expected an unsigned 64-bit integer");
        rng.s[i] = s[i].get<uint64_t>();
    }
    rng.has_spare = r.get_bool("has_spare", false);
    const nlohmann::json* bits = r.child("spare_bits");
    if (!bits || !bits->is_number_unsigned() || bits->get<uint64_t>() > 0xFFFFFFFFull)
        r.fail("spare_bits", "expected the 32 bits of a float");
    rng.spare = std::bit_cast<float>((uint32_t)bits->get<uint64_t>());
    return rng;
}

// the data's symbols in id order, as UTF-8: a corpus that changed gives other symbols (or another order)
static std::string data_symbols(const Dataset& d) {
    std::vector<int> ids(d.tokenizer().size());
    for (int i = 0; i < (int)ids.size(); i++) ids[i] = i;
    return d.tokenizer().decode(ids);
}

static size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // count every byte that starts a code point
    return n;
}

static std::string shape_text(const std::vector<int>& shape) {
    std::string s;
    for (int n : shape) {
        if (!s.empty()) s += 'x';
        s += std::to_string(n);
    }
    return s.empty() ? "a scalar" : s;
}

// ==== encode ====

namespace {
struct Array {  // one raw array of the file
    std::string name;
    const char* type;  // "float32" | "int32"
    const void* data;
    size_t count;
};
}  // namespace

std::string encode_run(const Trainer& tr, const ReplayLog* replay) {
    const ParamStore& ps = tr.model->params;
    // state_buffers() is not const (the buffers are the optimizer's to write); saving only reads them
    Optimizer& opt = *tr.optim;
    const std::vector<float*> state = opt.state_buffers();
    const std::vector<size_t> state_sizes = opt.state_sizes();

    // the history by column
    const size_t rows = tr.history.size();
    std::vector<int32_t> steps(rows);
    const auto fields = step_record_fields();
    std::vector<std::vector<float>> columns(fields.size(), std::vector<float>(rows));
    for (size_t i = 0; i < rows; i++) {
        steps[i] = tr.history[i].step;
        for (size_t c = 0; c < fields.size(); c++) columns[c][i] = tr.history[i].*fields[c].field;
    }

    std::vector<Array> arrays;
    arrays.push_back({"weights", "float32", ps.values.data(), ps.values.size()});
    for (size_t i = 0; i < state.size(); i++)
        arrays.push_back({"optimizer." + std::to_string(i), "float32", state[i], state_sizes[i]});
    arrays.push_back({"history.step", "int32", steps.data(), rows});
    for (size_t c = 0; c < fields.size(); c++)
        arrays.push_back({std::string("history.") + fields[c].name, "float32", columns[c].data(), rows});
    // ---- [replay] the window's kept pictures (version 2): built whole before their arrays are listed
    std::vector<ReplayArray> replay_arrays;
    nlohmann::json replay_header;
    if (replay && !replay->frames.empty()) replay_header = encode_replay(*replay, replay_arrays);
    for (const ReplayArray& a : replay_arrays) arrays.push_back({a.name, a.type, a.words.data(), a.words.size()});

    nlohmann::json h;
    h["program"] = "noamlab";
    h["config"] = run_config_to_json(tr.cfg);
    h["step"] = tr.step_count;
    h["lr_scale"] = tr.lr_scale;
    h["steps_above_uniform"] = tr.steps_above_uniform;
    h["stopped"] = tr.error;
    h["rng"] = {{"init", rng_to_json(tr.init_rng)}, {"data", rng_to_json(tr.data_rng)}};
    // MoE: the training forwards' routing draws (noisy top-k's noise, top-2's random second experts)
    if (tr.model->has_moe()) h["rng"]["route"] = rng_to_json(tr.model->route_rng);
    h["data"] = {{"name", tr.data->name()}, {"symbols", data_symbols(*tr.data)}};
    h["params"] = nlohmann::json::array();
    for (const Param& p : ps.params) h["params"].push_back({{"name", p.name}, {"shape", p.shape}});
    h["optimizer"] = {{"name", opt.name()}, {"state_sizes", state_sizes}};
    h["history"] = {{"rows", rows}};
    if (!replay_header.is_null()) h["replay"] = replay_header;
    h["arrays"] = nlohmann::json::array();
    for (const Array& a : arrays) h["arrays"].push_back({{"name", a.name}, {"type", a.type}, {"count", a.count}});
    // error_handler replace: a stray invalid UTF-8 byte (a file path, say) cannot make the save throw
    const std::string header = h.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

    size_t total = kFrameBytes + header.size();
    for (const Array& a : arrays) total += a.count * 4;
    std::string out;
    out.reserve(total);
    auto put = [&out](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); };
    const uint32_t version = kRunFormatVersion;
    const uint64_t header_bytes = header.size();
    put(kMagic, 8);
    put(&version, 4);
    put(&header_bytes, 8);
    put(header.data(), header.size());
    for (const Array& a : arrays) put(a.data, a.count * 4);
    const uint32_t crc = crc32(out.data(), out.size());
    put(&crc, 4);
    return out;
}

void save_run(const Trainer& tr, const std::string& path, const WriteLimits& limits, const ReplayLog* replay) {
    write_file_atomic(path, encode_run(tr, replay), limits);
}

// ==== decode ====

namespace {
// A run file read and checked, not yet applied to any trainer.
struct DecodedRun {
    uint32_t version = 0, checksum = 0;
    size_t file_bytes = 0;
    nlohmann::json header;
    RunConfig cfg;
    int step = 0;
    double lr_scale = 1.0;
    int steps_above_uniform = 0;
    std::string stopped;
    Rng init_rng, data_rng, route_rng;
    bool has_route_rng = false;
    std::string data_name, symbols;
    std::vector<std::pair<std::string, std::vector<int>>> params;  // name, shape
    std::string optimizer;
    std::vector<size_t> state_sizes;
    std::vector<float> weights;
    std::vector<std::vector<float>> state;
    std::vector<StepRecord> history;
    ReplayLog replay;  // [replay] empty without a replay section
};
}  // namespace

[[noreturn]] static void file_fail(const std::string& path, const std::string& problem) {
    throw RunFileError(path + ": " + problem);
}

static std::string read_bytes(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) file_fail(path, std::string("cannot open: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) file_fail(path, "is a directory, not a run file");
    std::ifstream f(path, std::ios::binary);
    if (!f) file_fail(path, std::string("cannot open: ") + std::strerror(errno));
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad()) file_fail(path, "cannot read");
    return bytes;
}

static std::string hex(uint32_t x) {
    char s[16];
    std::snprintf(s, sizeof s, "0x%08x", x);
    return s;
}

// The arrays the header lists (name, type, count); their bytes must fill the space between header and CRC.
static std::vector<std::tuple<std::string, std::string, size_t>> header_arrays(const nlohmann::json& h,
                                                                                 const std::string& path) {
    const nlohmann::json* a = h.is_object() && h.contains("arrays") ? &h["arrays"] : nullptr;
    if (!a || !a->is_array()) config_fail(path, "header/arrays", "missing (expected the list of arrays)");
    if (a->size() > (1u << 20)) config_fail(path, "header/arrays", "more than 2^20 arrays");  // sums cannot overflow
    std::vector<std::tuple<std::string, std::string, size_t>> out;
    for (size_t i = 0; i < a->size(); i++) {
        const std::string at = "header/arrays/" + std::to_string(i);
        ObjectReader r((*a)[i], path, at);
        const std::string name = r.require_string("name");
        const std::string type = r.get_choice("type", "float32", {"float32", "int32"});
        const nlohmann::json& count = r.require_child("count");
        if (!count.is_number_unsigned() && !(count.is_number_integer() && count.get<int64_t>() >= 0))
            r.fail("count", "expected a whole number of elements");
        if (count.get<uint64_t>() > (uint64_t(1) << 40)) r.fail("count", "more than 2^40 elements");
        out.emplace_back(name, type, count.get<size_t>());
    }
    return out;
}

static DecodedRun decode(const std::string& path) {
    const std::string bytes = read_bytes(path);
    DecodedRun d;
    d.file_bytes = bytes.size();
    const size_t n = bytes.size();

    // -- frame: magic, version, header length --
    if (n == 0) file_fail(path, "empty file, not a run file");
    if (std::memcmp(bytes.data(), kMagic, std::min<size_t>(n, 8)) != 0)
        file_fail(path, "not a NoamLab run file (it does not start with \"NOAMRUN\")");
    if (n < kFrameBytes)
        file_fail(path, "truncated: " + std::to_string(n) + " bytes, fewer than the " + std::to_string(kFrameBytes) +
                            " of the smallest run file (an interrupted write or copy?)");
    std::memcpy(&d.version, bytes.data() + 8, 4);
    if (d.version > kRunFormatVersion)
        file_fail(path, "format version " + std::to_string(d.version) + " is newer than this noamlab reads (up to " +
                            std::to_string(kRunFormatVersion) + "): load it with a newer noamlab");
    if (d.version == 0) file_fail(path, "format version 0 does not exist: the file is damaged");
    uint64_t header_bytes = 0;
    std::memcpy(&header_bytes, bytes.data() + 12, 8);
    if (header_bytes > n - kFrameBytes)
        file_fail(path, "truncated: the header needs " + std::to_string(header_bytes) + " bytes but the file has " +
                            std::to_string(n) + " in all (an interrupted write or copy?)");

    // -- checksum (a truncated file fails it too: say truncated when the header says the file should be longer) --
    std::memcpy(&d.checksum, bytes.data() + n - 4, 4);
    const uint32_t computed = crc32(bytes.data(), n - 4);
    const std::string header_text = bytes.substr(kFrontBytes, header_bytes);
    const nlohmann::json h = nlohmann::json::parse(header_text, nullptr, false);
    if (computed != d.checksum) {
        if (!h.is_discarded()) {
            size_t expected = kFrameBytes + header_bytes;
            try {
                for (const auto& [name, type, count] : header_arrays(h, path)) expected += count * 4;
            } catch (const ConfigError&) {
                expected = 0;
            }
            if (expected > n)
                file_fail(path, "truncated: the file has " + std::to_string(n) + " bytes, its header describes " +
                                    std::to_string(expected) + " (an interrupted write or copy?)");
        }
        file_fail(path, "damaged: the checksum does not match (stored " + hex(d.checksum) + ", computed " +
                            hex(computed) + ")");
    }
    if (h.is_discarded() || !h.is_object()) file_fail(path, "damaged: the header is not a JSON object");
    d.header = h;

    // -- the arrays fill the space between header and checksum exactly --
    const auto arrays = header_arrays(h, path);
    size_t array_bytes = 0;
    for (const auto& [name, type, count] : arrays) array_bytes += count * 4;
    if (array_bytes != n - kFrameBytes - header_bytes)
        file_fail(path, "damaged: the header lists " + std::to_string(array_bytes) + " bytes of arrays, the file holds " +
                            std::to_string(n - kFrameBytes - header_bytes));

    // -- header fields --
    ObjectReader r(h, path, "header");
    d.cfg = parse_run_config(r.require_child("config"), path, "header/config");
    d.step = r.require_int("step", 0, 1 << 30);
    d.lr_scale = r.require_number("lr_scale", 0.0, 1e9);
    d.steps_above_uniform = r.get_int("steps_above_uniform", 0, 0, 1 << 30);
    d.stopped = r.get_string("stopped", "");
    {
        ObjectReader rng(r.require_child("rng"), path, "header/rng");
        d.init_rng = rng_from_json(rng.require_child("init"), path, "header/rng/init");
        d.data_rng = rng_from_json(rng.require_child("data"), path, "header/rng/data");
        if (const nlohmann::json* route = rng.child("route")) {
            d.route_rng = rng_from_json(*route, path, "header/rng/route");
            d.has_route_rng = true;
        }
    }
    {
        ObjectReader data(r.require_child("data"), path, "header/data");
        d.data_name = data.require_string("name");
        d.symbols = data.get_string("symbols", "");
    }
    const nlohmann::json& params = r.require_child("params");
    if (!params.is_array()) r.fail("params", "expected an array of {name, shape}, got " + json_type_name(params));
    for (size_t i = 0; i < params.size(); i++) {
        const std::string at = "header/params/" + std::to_string(i);
        ObjectReader p(params[i], path, at);
        const std::string name = p.require_string("name");
        const nlohmann::json& shape = p.require_child("shape");
        std::vector<int> dims;
        if (!shape.is_array()) p.fail("shape", "expected an array of sizes");
        for (const auto& x : shape) {
            if (!x.is_number_integer() || x.get<int64_t>() < 0 || x.get<int64_t>() > (1 << 30))
                p.fail("shape", "expected an array of sizes");
            dims.push_back(x.get<int>());
        }
        d.params.emplace_back(name, dims);
    }
    {
        ObjectReader o(r.require_child("optimizer"), path, "header/optimizer");
        d.optimizer = o.require_string("name");
        const nlohmann::json& sizes = o.require_child("state_sizes");
        if (!sizes.is_array()) o.fail("state_sizes", "expected an array of sizes");
        for (const auto& x : sizes) {
            if (!x.is_number_unsigned() && !(x.is_number_integer() && x.get<int64_t>() >= 0))
                o.fail("state_sizes", "expected an array of sizes");
            d.state_sizes.push_back(x.get<size_t>());
        }
    }
    ObjectReader hist(r.require_child("history"), path, "header/history");
    const size_t rows = (size_t)hist.require_int("rows", 0, 1 << 30);

    // -- the arrays, by name --
    d.state.resize(d.state_sizes.size());
    std::vector<char> seen_state(d.state_sizes.size(), 0);
    bool seen_weights = false, seen_steps = false;
    std::vector<ReplayArrayView> replay_arrays;  // [replay] decoded after the loop, with the header's "replay"
    d.history.assign(rows, StepRecord{});
    size_t offset = kFrontBytes + header_bytes;
    for (size_t ai = 0; ai < arrays.size(); ai++) {
        // plain references, not a structured binding: clang 14 (the fuzz build) cannot capture those in a lambda
        const std::string& name = std::get<0>(arrays[ai]);
        const std::string& type = std::get<1>(arrays[ai]);
        const size_t count = std::get<2>(arrays[ai]);
        const char* src = bytes.data() + offset;
        offset += count * 4;
        const std::string at = "header/arrays/" + std::to_string(ai);
        auto expect = [&](const char* want_type, size_t want_count, const std::string& what) {
            if (type != want_type) config_fail(path, at + "/type", name + " must be " + want_type);
            if (count != want_count)
                config_fail(path, at + "/count", name + " has " + std::to_string(count) + " elements, " + what + " " +
                                                     std::to_string(want_count));
        };
        if (name == "weights") {
            d.weights.resize(count);
            if (count > 0) std::memcpy(d.weights.data(), src, count * 4);
            seen_weights = true;
        } else if (name.rfind("optimizer.", 0) == 0) {
            size_t k = 0;
            try {
                k = std::stoul(name.substr(10));
            } catch (const std::exception&) {
                k = SIZE_MAX;
            }
            if (k >= d.state_sizes.size())
                config_fail(path, at + "/name", name + " is not one of the optimizer's " +
                                                    std::to_string(d.state_sizes.size()) + " state arrays");
            expect("float32", d.state_sizes[k], "header/optimizer/state_sizes says");
            d.state[k].resize(count);
            // an optimizer without state for this array (SGD without momentum) has count 0, and an empty vector's
            // data() may be null: memcpy(null, src, 0) is undefined behaviour (UBSan's nonnull-attribute)
            if (count > 0) std::memcpy(d.state[k].data(), src, count * 4);
            seen_state[k] = 1;
        } else if (name == "history.step") {
            expect("int32", rows, "header/history/rows says");
            for (size_t i = 0; i < rows; i++) std::memcpy(&d.history[i].step, src + i * 4, 4);
            seen_steps = true;
        } else if (name.rfind("history.", 0) == 0) {
            for (const StepRecordField& c : step_record_fields())
                if (name == std::string("history.") + c.name) {
                    expect("float32", rows, "header/history/rows says");
                    for (size_t i = 0; i < rows; i++) std::memcpy(&(d.history[i].*c.field), src + i * 4, 4);
                }
            // a column this version does not know: written by a newer noamlab, ignored
        } else if (name.rfind("replay.", 0) == 0) {
            replay_arrays.push_back({name, type, src, count});
        } else {
            config_fail(path, at + "/name", "unknown array \"" + name + "\"");
        }
    }
    if (!seen_weights) config_fail(path, "header/arrays", "no \"weights\" array");
    if (!seen_steps) config_fail(path, "header/arrays", "no \"history.step\" array");
    for (size_t k = 0; k < seen_state.size(); k++)
        if (!seen_state[k]) config_fail(path, "header/arrays", "no \"optimizer." + std::to_string(k) + "\" array");
    // ---- [replay] the window's kept pictures (version 2; optional)
    if (const nlohmann::json* replay = r.child("replay")) {
        d.replay = decode_replay(*replay, replay_arrays, path, "header/replay");
        if (!d.replay.frames.empty() && d.replay.frames.back()->step > d.step)
            config_fail(path, "header/replay", "a picture of step " + std::to_string(d.replay.frames.back()->step) +
                                                   " in a run at step " + std::to_string(d.step));
    }
    return d;
}

// ==== fit and restore ====

// Every way the decoded run can fail to fit tr, before anything of tr is touched.
static void check_fits(const DecodedRun& d, const Trainer& tr, const std::string& path) {
    const std::string here_symbols = data_symbols(*tr.data);
    if (d.data_name != tr.data->name() || (!d.symbols.empty() && d.symbols != here_symbols))
        file_fail(path, "the data differs from the saved run's: the file has " + d.data_name + " with " +
                            std::to_string(utf8_length(d.symbols)) + " symbols, the config now gives " +
                            tr.data->name() + " with " + std::to_string(tr.data->tokenizer().size()) +
                            " (a corpus file that changed?)");
    const ParamStore& ps = tr.model->params;
    for (size_t i = 0; i < std::max(d.params.size(), ps.params.size()); i++) {
        if (i >= d.params.size())
            file_fail(path, "the model differs from the saved one: it has " + ps.params[i].name + " (" +
                                shape_text(ps.params[i].shape) + "), the file does not");
        if (i >= ps.params.size())
            file_fail(path, "the model differs from the saved one: the file has " + d.params[i].first + " (" +
                                shape_text(d.params[i].second) + "), the model does not");
        if (d.params[i].first != ps.params[i].name || d.params[i].second != ps.params[i].shape)
            file_fail(path, "the model differs from the saved one: tensor " + std::to_string(i) + " is " +
                                d.params[i].first + " (" + shape_text(d.params[i].second) + ") in the file, " +
                                ps.params[i].name + " (" + shape_text(ps.params[i].shape) + ") in the model");
    }
    if (d.weights.size() != ps.values.size())
        file_fail(path, "the model differs from the saved one: the file has " + std::to_string(d.weights.size()) +
                            " weights, the model " + std::to_string(ps.values.size()));
    const std::vector<size_t> sizes = tr.optim->state_sizes();
    if (d.optimizer != tr.optim->name() || d.state_sizes != sizes)
        file_fail(path, "the optimizer differs from the saved one: the file has " + d.optimizer + " with " +
                            std::to_string(d.state_sizes.size()) + " state arrays, the config builds " +
                            tr.optim->name() + " with " + std::to_string(sizes.size()));
    // [replay] the kept pictures must be of this model's watched example
    if (!d.replay.frames.empty()) {
        const ReplayFrame& f = *d.replay.frames.front();
        const int T = tr.data->watched().T;
        size_t moe = 0;
        for (const auto& b : tr.model->blocks) moe += b.use_moe;
        if (f.n_layers != tr.cfg.model.n_layers || f.n_heads != tr.cfg.model.n_heads || f.T != T ||
            f.moe_watched.size() != moe)
            file_fail(path, "the replay pictures do not fit the model: they have " + std::to_string(f.n_layers) +
                                " layers, " + std::to_string(f.n_heads) + " heads, " + std::to_string(f.T) + " tokens and " +
                                std::to_string(f.moe_watched.size()) + " MoE layers, the model " +
                                std::to_string(tr.cfg.model.n_layers) + ", " + std::to_string(tr.cfg.model.n_heads) +
                                ", " + std::to_string(T) + " and " + std::to_string(moe));
    }
}

// Copies the decoded state into tr; check_fits has passed, so every size matches and nothing here can fail
// half way (the history's reserve aside, which only allocates).
static void apply(DecodedRun& d, Trainer& tr) {
    std::copy(d.weights.begin(), d.weights.end(), tr.model->params.values.begin());
    const std::vector<float*> state = tr.optim->state_buffers();
    for (size_t k = 0; k < state.size(); k++) std::copy(d.state[k].begin(), d.state[k].end(), state[k]);
    d.history.reserve(std::max<size_t>(d.history.size(), (size_t)tr.cfg.train.steps + 1));
    tr.history = std::move(d.history);
    tr.step_count = d.step;
    tr.lr_scale = d.lr_scale;
    tr.steps_above_uniform = d.steps_above_uniform;
    tr.error = d.stopped;
    tr.init_rng = d.init_rng;
    tr.data_rng = d.data_rng;
    if (d.has_route_rng) tr.model->route_rng = d.route_rng;
}

// The trainer the file's config builds, checked to fit the file's state (not yet restored).
static std::unique_ptr<Trainer> build_trainer(const DecodedRun& d, const std::string& path) {
    std::unique_ptr<Trainer> tr;
    try {
        tr = std::make_unique<Trainer>(d.cfg);
    } catch (const std::exception& e) {  // e.g. the corpus file it names is gone, or now has more symbols
        file_fail(path, std::string("its config no longer builds: ") + e.what());
    }
    check_fits(d, *tr, path);
    return tr;
}

std::unique_ptr<Trainer> load_run(const std::string& path, ReplayLog* replay) {
    DecodedRun d = decode(path);
    std::unique_ptr<Trainer> tr = build_trainer(d, path);
    apply(d, *tr);
    if (replay) *replay = std::move(d.replay);
    return tr;
}

// "section.key: A in the file, B here" for every setting that differs (train.threads aside)
static std::vector<std::string> config_differences(const RunConfig& file, const RunConfig& here) {
    const nlohmann::json a = run_config_to_json(file), b = run_config_to_json(here);
    std::vector<std::string> diffs;
    for (auto sec = a.begin(); sec != a.end(); ++sec)
        for (auto k = sec->begin(); k != sec->end(); ++k) {
            if (sec.key() == "train" && k.key() == "threads") continue;
            const nlohmann::json* other = b.contains(sec.key()) && b[sec.key()].contains(k.key()) ? &b[sec.key()][k.key()] : nullptr;
            if (!other || *other != k.value())
                diffs.push_back(sec.key() + "." + k.key() + " is " + k.value().dump() + " in the file, " +
                                (other ? other->dump() : "absent") + " here");
        }
    for (auto sec = b.begin(); sec != b.end(); ++sec)  // keys only this run has (data.corpus)
        for (auto k = sec->begin(); k != sec->end(); ++k)
            if (!(a.contains(sec.key()) && a[sec.key()].contains(k.key())))
                diffs.push_back(sec.key() + "." + k.key() + " is absent in the file, " + k.value().dump() + " here");
    return diffs;
}

void restore_run(Trainer& tr, const std::string& path) {
    DecodedRun d = decode(path);
    const std::vector<std::string> diffs = config_differences(d.cfg, tr.cfg);
    if (!diffs.empty()) {
        std::string msg = "the saved run's config differs from this run's: ";
        for (size_t i = 0; i < diffs.size() && i < 4; i++) msg += (i ? "; " : "") + diffs[i];
        if (diffs.size() > 4) msg += "; and " + std::to_string(diffs.size() - 4) + " more";
        file_fail(path, msg);
    }
    check_fits(d, tr, path);
    apply(d, tr);
}

// ==== replay ====

static bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

ReplayResult replay_run(const std::string& path) {
    const DecodedRun d = decode(path);
    std::unique_ptr<Trainer> tr = build_trainer(d, path);
    ReplayResult res;
    auto differ = [&res](const std::string& what) {
        res.same = false;
        res.difference = what;
        return res;
    };
    for (const StepRecord& want : d.history) {
        if (!tr->step()) return differ("step " + std::to_string(tr->step_count + 1) + " stopped: " + tr->error);
        res.steps = tr->step_count;
        const StepRecord& got = tr->history.back();
        if (got.step != want.step)
            return differ("the file's history has step " + std::to_string(want.step) + " where the replay is at " +
                          std::to_string(got.step));
        for (const StepRecordField& c : step_record_fields()) {
            if (c.field == &StepRecord::tokens_per_sec) continue;  // wall-clock
            if (!same_bits(got.*c.field, want.*c.field)) {
                std::ostringstream s;
                s.precision(9);
                s << "step " << want.step << ": " << c.name << " is " << want.*c.field << " in the file, "
                  << got.*c.field << " replayed";
                if (c.field == &StepRecord::lr) s << " (was the learning-rate knob turned during the run?)";
                return differ(s.str());
            }
        }
    }
    if (tr->step_count != d.step)
        return differ("the file is at step " + std::to_string(d.step) + " but its history has " +
                      std::to_string(d.history.size()) + " steps");
    const std::vector<float>& w = tr->model->params.values;
    for (size_t i = 0; i < w.size(); i++)
        if (!same_bits(w[i], d.weights[i])) return differ("weight " + std::to_string(i) + " differs after the last step");
    const std::vector<float*> state = tr->optim->state_buffers();
    for (size_t k = 0; k < state.size(); k++)
        for (size_t i = 0; i < d.state[k].size(); i++)
            if (!same_bits(state[k][i], d.state[k][i]))
                return differ("optimizer state array " + std::to_string(k) + " differs after the last step");
    if (std::memcmp(tr->data_rng.s, d.data_rng.s, sizeof d.data_rng.s) != 0)
        return differ("the data position differs after the last step");
    return res;
}

// ==== info ====

RunFileInfo read_run_info(const std::string& path) {
    const DecodedRun d = decode(path);
    build_trainer(d, path);  // everything load_run checks
    RunFileInfo info;
    info.version = d.version;
    info.checksum = d.checksum;
    info.file_bytes = d.file_bytes;
    info.config = d.cfg;
    info.step = d.step;
    info.history_length = d.history.size();
    info.optimizer = d.optimizer;
    info.param_floats = d.weights.size();
    for (size_t s : d.state_sizes) info.state_floats += s;
    info.stopped = d.stopped;
    info.replay_frames = d.replay.frames.size();
    info.replay_every = d.replay.frames.empty() ? 0 : d.replay.every;
    info.header = d.header;
    return info;
}

}  // namespace noam
