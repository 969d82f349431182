// Data: the UTF-8 character tokenizer, the synthetic tasks (copy, reverse, sort, recall, induction, random),
// the text-corpus loader and the character-level text dataset.
//
// Sections (grep "// ---- "): UTF-8 | CharTokenizer | corpus loading | synthetic tasks | text dataset |
// make_dataset | unigram entropy
//
// Sequence convention used by every dataset: one example is a sequence s[0..T] of T + 1 symbols;
// the model reads tokens[t] = s[t] and is asked for targets[t] = s[t+1] (t = 0..T-1); targets that the
// task does not score are -1.
#include "data.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace noam {

namespace {

// ---- UTF-8 ----

[[noreturn]] void throw_invalid_utf8(size_t offset) {
    throw std::invalid_argument("invalid UTF-8 at byte offset " + std::to_string(offset));
}

// Decodes the code point that starts at text[pos] and moves pos past it. Strict (RFC 3629): a stray
// continuation byte, a truncated sequence, an overlong form, a surrogate or a value above U+10FFFF is
// an error, so each valid string has exactly one decoding and decode(encode(s)) == s byte for byte.
uint32_t next_code_point(const std::string& text, size_t& pos) {
    const size_t start = pos;
    const unsigned char b0 = (unsigned char)text[start];
    if (b0 < 0x80) {  // ASCII: one byte
        pos = start + 1;
        return b0;
    }
    int len;          // bytes in the sequence
    uint32_t cp;      // the lead byte's payload bits
    uint32_t min_cp;  // smaller values must use a shorter form (overlong otherwise)
    if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; min_cp = 0x80; }         // 110xxxxx
    else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; min_cp = 0x800; }   // 1110xxxx
    else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; min_cp = 0x10000; } // 11110xxx
    else throw_invalid_utf8(start);  // 10xxxxxx with no lead byte, or 0xF8..0xFF (never valid)
    if (start + len > text.size()) throw_invalid_utf8(start);
    for (int k = 1; k < len; k++) {
        const unsigned char b = (unsigned char)text[start + k];
        if ((b & 0xC0) != 0x80) throw_invalid_utf8(start);  // every following byte is 10xxxxxx
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) throw_invalid_utf8(start);
    pos = start + len;
    return cp;
}

void append_utf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += (char)cp;
    } else if (cp < 0x800) {
        out += (char)(0xC0 | (cp >> 6));
        out += (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += (char)(0xE0 | (cp >> 12));
        out += (char)(0x80 | ((cp >> 6) & 0x3F));
        out += (char)(0x80 | (cp & 0x3F));
    } else {
        out += (char)(0xF0 | (cp >> 18));
        out += (char)(0x80 | ((cp >> 12) & 0x3F));
        out += (char)(0x80 | ((cp >> 6) & 0x3F));
        out += (char)(0x80 | (cp & 0x3F));
    }
}

// "U+4E00 '一'" (or "U+000A" for a control character): how error messages name a character
std::string describe_code_point(uint32_t cp) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "U+%04X", (unsigned)cp);
    std::string s = hex;
    if (cp >= 0x20 && cp != 0x7F) {
        s += " '";
        append_utf8(cp, s);
        s += "'";
    }
    return s;
}

size_t count_code_points(const std::string& utf8) {
    size_t n = 0;
    for (size_t pos = 0; pos < utf8.size();) {
        next_code_point(utf8, pos);
        n++;
    }
    return n;
}

}  // namespace

// ---- CharTokenizer ----

void CharTokenizer::build(const std::string& utf8_text) {
    // Ids follow code-point order, so the same set of characters gets the same ids whatever the text's order.
    std::vector<uint32_t> cps;
    for (size_t pos = 0; pos < utf8_text.size();) cps.push_back(next_code_point(utf8_text, pos));
    std::sort(cps.begin(), cps.end());
    cps.erase(std::unique(cps.begin(), cps.end()), cps.end());
    id_to_cp = std::move(cps);
}

void CharTokenizer::build_from_symbols(const std::string& utf8_symbols) {
    id_to_cp.clear();
    for (size_t pos = 0; pos < utf8_symbols.size();) {
        const uint32_t cp = next_code_point(utf8_symbols, pos);
        if (id(cp) >= 0)
            throw std::invalid_argument("tokenizer symbols \"" + utf8_symbols + "\": " + describe_code_point(cp) +
                                        " appears twice; each symbol needs one id");
        id_to_cp.push_back(cp);
    }
}

int CharTokenizer::id(uint32_t code_point) const {
    // A linear scan: fine for one character at a time. encode() builds a sorted lookup for whole strings.
    for (int i = 0; i < size(); i++)
        if (id_to_cp[i] == code_point) return i;
    return -1;
}

std::vector<int> CharTokenizer::encode(const std::string& utf8) const {
    // (code point, id) pairs sorted by code point: O(log V) per character even for thousands of Chinese characters
    std::vector<std::pair<uint32_t, int>> lookup(id_to_cp.size());
    for (int i = 0; i < size(); i++) lookup[i] = {id_to_cp[i], i};
    std::sort(lookup.begin(), lookup.end());

    std::vector<int> ids;
    ids.reserve(utf8.size());
    for (size_t pos = 0; pos < utf8.size();) {
        const size_t offset = pos;
        const uint32_t cp = next_code_point(utf8, pos);
        auto it = std::lower_bound(lookup.begin(), lookup.end(), std::make_pair(cp, -1));
        if (it == lookup.end() || it->first != cp)
            throw std::invalid_argument("character " + describe_code_point(cp) + " at byte offset " +
                                        std::to_string(offset) + " is not among the tokenizer's " +
                                        std::to_string(size()) + " symbols");
        ids.push_back(it->second);
    }
    return ids;
}

static void check_id(const CharTokenizer& tok, int id) {
    if (id < 0 || id >= tok.size())
        throw std::out_of_range("token id " + std::to_string(id) + " is outside the tokenizer's " +
                                std::to_string(tok.size()) + " symbols (ids 0.." + std::to_string(tok.size() - 1) +
                                "); a target of -1 means 'not scored' and has no text");
}

std::string CharTokenizer::decode(const std::vector<int>& ids) const {
    std::string out;
    out.reserve(ids.size());
    for (int i : ids) {
        check_id(*this, i);
        append_utf8(id_to_cp[i], out);
    }
    return out;
}

std::string CharTokenizer::token_text(int i) const {
    check_id(*this, i);
    const uint32_t cp = id_to_cp[i];
    if (cp == '\n') return "⏎";
    if (cp == ' ') return "␣";
    if (cp == '\t') return "⇥";
    // other control characters: Unicode's "control pictures" (U+2400 + c, and U+2421 for DEL)
    std::string s;
    if (cp < 0x20) append_utf8(0x2400 + cp, s);
    else if (cp == 0x7F) append_utf8(0x2421, s);
    else append_utf8(cp, s);
    return s;
}

// ---- corpus loading ----

namespace {

struct KnownCorpus {
    const char* name;
    const char* path;
    const char* package;  // the Debian package that installs it
};
const KnownCorpus kKnownCorpora[] = {
    {"literature", "/usr/share/games/fortunes/literature", "fortunes-min"},  // English quotations
    {"tang300", "/usr/share/games/fortunes/tang300", "fortunes-zh"},         // 300 Tang poems, in Chinese
};
constexpr size_t kMinCorpusChars = 100;
constexpr uintmax_t kMaxCorpusBytes = (uintmax_t)1 << 30;  // token ids and window starts are int

const KnownCorpus* find_known_corpus(const std::string& name) {
    for (const KnownCorpus& k : kKnownCorpora)
        if (name == k.name) return &k;
    return nullptr;
}

// Removes what a terminal would interpret rather than show, character by character:
//   '\r'                       (CRLF files)
//   ESC '[' params final-byte  (ANSI colour codes: tang300 colours its titles with ESC[32m ... ESC[m)
//   other lone ESC
//   x BACKSPACE y              (old overstrike for bold/underline/accents: keep y, as the terminal shows it)
std::string strip_terminal_codes(const std::string& raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); i++) {
        const char c = raw[i];
        if (c == '\r') continue;
        if (c == '\x1b') {
            if (i + 1 < raw.size() && raw[i + 1] == '[') {
                // CSI: parameter and intermediate bytes (0x20..0x3F), then one final byte (0x40..0x7E)
                size_t j = i + 2;
                while (j < raw.size() && (unsigned char)raw[j] >= 0x20 && (unsigned char)raw[j] <= 0x3F) j++;
                if (j < raw.size() && (unsigned char)raw[j] >= 0x40 && (unsigned char)raw[j] <= 0x7E) j++;
                i = j - 1;
            }
            continue;
        }
        if (c == '\b') {
            // drop the previous code point (its continuation bytes 10xxxxxx, then its lead byte), not across lines
            if (!out.empty() && out.back() != '\n') {
                while (!out.empty() && ((unsigned char)out.back() & 0xC0) == 0x80) out.pop_back();
                if (!out.empty()) out.pop_back();
            }
            continue;
        }
        out += c;
    }
    return out;
}

// Line by line: a fortune separator ("%" alone on a line) becomes a blank line; a run of blank lines
// (empty or only spaces/tabs) becomes one empty line; no blank lines at the start or the end; the text
// ends with one '\n'. Poems and quotations thus stay separated by exactly one blank line.
std::string normalize_lines(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    bool pending_blank = false;  // a blank line seen since the last text line
    size_t begin = 0;
    while (begin < text.size()) {
        size_t end = text.find('\n', begin);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + begin, end - begin);
        const bool blank = line == "%" || line.find_first_not_of(" \t") == std::string_view::npos;
        if (blank) {
            pending_blank = true;
        } else {
            if (pending_blank && !out.empty()) out += '\n';
            pending_blank = false;
            out += line;
            out += '\n';
        }
        begin = end + 1;
    }
    return out;
}

}  // namespace

std::string load_corpus(const std::string& name_or_path) {
    namespace fs = std::filesystem;
    if (name_or_path.empty())
        throw std::invalid_argument("no corpus given: use 'literature', 'tang300' or the path of a UTF-8 text file");
    const KnownCorpus* known = find_known_corpus(name_or_path);
    const std::string path = known ? known->path : name_or_path;
    // how every message names the file
    const std::string where = known ? "corpus '" + name_or_path + "' (" + path + ")" : "corpus file '" + path + "'";

    std::error_code ec;
    if (!fs::exists(path, ec)) {
        if (known)
            throw std::invalid_argument("corpus '" + name_or_path + "' needs Debian's " + known->package +
                                        " (apt-get install " + known->package + "): " + path + " does not exist");
        throw std::invalid_argument(where + " does not exist");
    }
    if (fs::is_directory(path, ec)) throw std::invalid_argument(where + " is a directory, not a text file");
    const uintmax_t bytes = fs::file_size(path, ec);
    if (!ec && bytes > kMaxCorpusBytes)
        throw std::invalid_argument(where + " is too large (" + std::to_string(bytes) + " bytes; the limit is 1 GiB)");

    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(where + " cannot be opened (" + std::strerror(errno) + ")");
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw std::invalid_argument(where + " cannot be read (" + std::strerror(errno) + ")");

    if (raw.empty()) throw std::invalid_argument(where + " is empty");
    const size_t nul = raw.find('\0');
    if (nul != std::string::npos)
        throw std::invalid_argument(where + " looks binary (NUL byte at offset " + std::to_string(nul) +
                                    "); a corpus must be UTF-8 text");
    try {
        count_code_points(raw);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where + " looks binary or is not UTF-8 text (" + e.what() + ")");
    }

    std::string text = normalize_lines(strip_terminal_codes(raw));
    const size_t chars = count_code_points(text);
    if (chars < kMinCorpusChars)
        throw std::invalid_argument(where + " has only " + std::to_string(chars) + " characters of text (at least " +
                                    std::to_string(kMinCorpusChars) + " needed)");
    return text;
}

// ---- synthetic tasks ----

namespace {

// The symbols of the tasks that take `digits`: its first `digits` characters.
const char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr int kMaxDigits = 36;
constexpr int kMinSeqLen = 4;          // copy/reverse/sort need L = T/2 >= 2
constexpr int kRecallKeys = 26;        // recall: keys are the letters a-z ...
constexpr int kRecallValues = 10;      // ... and values the digits 0-9, whatever `digits` says
constexpr int kRecallMinSeqLen = 6;    // two pairs, '?', the key, its value: 2*2 + 3 = 7 = T + 1
constexpr uint64_t kValidationSeed = 12345;  // the validation set and the watched example are the same every run
constexpr uint64_t kWatchedSeed = 2017;

enum class Task { Copy, Reverse, Sort, Recall, Induction, Random };

// "0-9", "0-9a-f", "0-1": the range of the first `digits` symbols of kAlphabet
std::string alphabet_label(int digits) {
    std::string s = "0-";
    s += kAlphabet[std::min(digits, 10) - 1];
    if (digits == 11) s += "a";
    if (digits > 11) s += std::string("a-") + kAlphabet[digits - 1];
    return s;
}

std::string fixed(double x, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
    return buf;
}

// Writes one sequence s[0..T] into a batch row: s[i] is the input at position i (if i < T) and the target
// at position i - 1 (if i >= 1), or -1 there when the task does not score predicting it.
// Every task puts all of s[0..T], so a reused batch holds nothing from the previous draw.
struct RowWriter {
    int* tokens;   // (T)
    int* targets;  // (T)
    int T;
    void put(int i, int symbol, bool scored) const {
        if (i < T) tokens[i] = symbol;
        if (i >= 1) targets[i - 1] = scored ? symbol : -1;
    }
};

class SyntheticDataset final : public Dataset {
public:
    SyntheticDataset(Task task, const std::string& name, const DataConfig& cfg, int batch_size, int val_batches)
        : task_(task), name_(name), T_(cfg.seq_len), digits_(cfg.digits) {
        const std::string alphabet(kAlphabet, digits_);
        switch (task_) {
            case Task::Copy:
            case Task::Reverse:
            case Task::Sort:
                // ids 0..digits-1 are the symbols themselves, then '>' and '.'
                tok_.build_from_symbols(alphabet + ">.");
                L_ = T_ / 2;
                n_scored_ = L_;
                break;
            case Task::Recall:
                // ids 0..9 the values, 10..35 the keys a-z, then '?' and '.'
                tok_.build_from_symbols(std::string(kAlphabet, kMaxDigits) + "?.");
                n_pairs_ = std::min(kRecallKeys, (T_ - 2) / 2);
                n_scored_ = 1;
                break;
            case Task::Induction:
                tok_.build_from_symbols(alphabet);
                H_ = (T_ + 1) / 3;
                n_scored_ = H_ - 1;
                break;
            case Task::Random:
                tok_.build_from_symbols(alphabet);
                n_scored_ = T_;
                break;
        }
        sep_ = tok_.id('>');
        pad_ = tok_.id('.');
        query_ = tok_.id('?');

        Rng val_rng(kValidationSeed);
        validation_.resize(val_batches);
        for (Batch& b : validation_) {
            b.resize(batch_size, T_);
            sample(val_rng, b);
        }
        Rng watched_rng(kWatchedSeed);
        watched_.resize(1, T_);
        sample(watched_rng, watched_);
    }

    std::string name() const override { return name_; }
    const CharTokenizer& tokenizer() const override { return tok_; }
    const std::vector<Batch>& validation() const override { return validation_; }
    const Batch& watched() const override { return watched_; }
    bool scores_all_positions() const override { return task_ == Task::Random; }

    void sample(Rng& rng, Batch& batch) const override {
        if (batch.B <= 0)
            throw std::invalid_argument(name_ + ": sample() needs batch.B >= 1 (call batch.resize(B, T) first)");
        if (batch.T != T_ || batch.tokens.size() != (size_t)batch.B * T_ || batch.targets.size() != batch.tokens.size())
            batch.resize(batch.B, T_);  // allocates only when the shape changes
        for (int b = 0; b < batch.B; b++) {
            const RowWriter row{batch.tokens.data() + (size_t)b * T_, batch.targets.data() + (size_t)b * T_, T_};
            switch (task_) {
                case Task::Copy:
                case Task::Reverse:
                case Task::Sort: write_transform(rng, row); break;
                case Task::Recall: write_recall(rng, row); break;
                case Task::Induction: write_induction(rng, row); break;
                case Task::Random: write_random(rng, row); break;
            }
        }
    }

    std::string describe() const override {
        const std::string symbols = std::string(digits_ <= 10 ? " digits " : " symbols ") + alphabet_label(digits_);
        const std::string scored =
            " (scored: " + std::to_string(n_scored_) + " of " + std::to_string(T_) + " positions)";
        switch (task_) {
            case Task::Copy: return name_ + ": " + std::to_string(L_) + symbols + ", copied after '>'" + scored;
            case Task::Reverse: return name_ + ": " + std::to_string(L_) + symbols + ", reversed after '>'" + scored;
            case Task::Sort: return name_ + ": " + std::to_string(L_) + symbols + ", sorted after '>'" + scored;
            case Task::Recall:
                return name_ + ": " + std::to_string(n_pairs_) +
                       " key-value pairs (keys a-z, values 0-9), then '?' and a key: answer its value" + scored;
            case Task::Induction:
                return name_ + ": " + std::to_string(H_) + " random" + symbols + " repeated later at a random distance" + scored;
            case Task::Random:
                return name_ + ": uniform random" + symbols + ", nothing to learn: best loss ln " +
                       std::to_string(digits_) + " = " + fixed(std::log((double)digits_), 3) + " nats" + scored;
        }
        return name_;
    }

private:
    // copy / reverse / sort, with L = floor(T/2):
    //   s = x1..xL  '>'  y1..yL  ['.' when T is odd]      (2L + 1 symbols = T + 1, or T when T is odd)
    //   copy: y = x;  reverse: y = xL..x1;  sort: y = x in ascending order
    // scored: the L answer symbols s[L+1..2L] (targets L..2L-1); the inputs are random, so unpredictable.
    void write_transform(Rng& rng, const RowWriter& row) const {
        for (int i = 0; i < L_; i++) row.put(i, rng.randint(digits_), false);
        row.put(L_, sep_, false);
        const int* x = row.tokens;  // the inputs just written (L < T, so all of them are in tokens)
        if (task_ == Task::Copy) {
            for (int i = 0; i < L_; i++) row.put(L_ + 1 + i, x[i], true);
        } else if (task_ == Task::Reverse) {
            for (int i = 0; i < L_; i++) row.put(L_ + 1 + i, x[L_ - 1 - i], true);
        } else {  // sort by counting: symbol ids 0..digits-1 are in alphabet order
            std::array<int, kMaxDigits> count{};
            for (int i = 0; i < L_; i++) count[x[i]]++;
            int pos = L_ + 1;
            for (int sym = 0; sym < digits_; sym++)
                for (int k = 0; k < count[sym]; k++) row.put(pos++, sym, true);
        }
        for (int i = 2 * L_ + 1; i <= T_; i++) row.put(i, pad_, false);
    }

    // recall (associative recall), with m = min(26, floor((T-2)/2)) pairs:
    //   s = k1 v1 k2 v2 .. km vm  '?'  kq  v(kq)  '.' ..  (2m + 3 symbols, padded with '.' to T + 1)
    //   keys: m distinct letters a-z; values: digits 0-9 (may repeat); kq: one of the m keys
    // scored: only the answer v(kq) = s[2m+2] (target 2m+1); the model must find kq among the pairs.
    void write_recall(Rng& rng, const RowWriter& row) const {
        std::array<int, kRecallKeys> keys;  // partial Fisher-Yates: the first m entries become distinct keys
        for (int k = 0; k < kRecallKeys; k++) keys[k] = kRecallValues + k;  // key letter k has id 10 + k
        std::array<int, kRecallKeys> values;
        for (int p = 0; p < n_pairs_; p++) {
            const int j = p + rng.randint(kRecallKeys - p);
            std::swap(keys[p], keys[j]);
            values[p] = rng.randint(kRecallValues);  // value digit v has id v
            row.put(2 * p, keys[p], false);
            row.put(2 * p + 1, values[p], false);
        }
        const int q = rng.randint(n_pairs_);
        row.put(2 * n_pairs_, query_, false);
        row.put(2 * n_pairs_ + 1, keys[q], false);
        row.put(2 * n_pairs_ + 2, values[q], true);
        for (int i = 2 * n_pairs_ + 3; i <= T_; i++) row.put(i, pad_, false);
    }

    // induction (a repeated random segment, as in Olsson et al. 2022), with C = H = floor((T+1)/3):
    //   s = a random symbols, X (C random symbols), b random symbols, X again, random symbols to T + 1
    //   with a and b drawn per sequence (b >= 1), so the distance between the copies varies: a model cannot
    //   solve it by a fixed positional offset and has to look up where the current symbol occurred before.
    // scored: the second X except its first symbol (C - 1 targets): each is the symbol that followed the
    // current one in the first X, which an induction head can look up.
    void write_induction(Rng& rng, const RowWriter& row) const {
        const int C = H_;
        const int slack = T_ + 1 - 2 * C;          // room for a + b, with b >= 1
        const int a = rng.randint(slack);           // 0 .. slack-1
        const int b = 1 + rng.randint(slack - a);   // 1 .. slack-a
        for (int i = 0; i <= T_; i++) row.put(i, rng.randint(digits_), false);
        const int second = a + C + b;
        for (int i = 0; i < C; i++) {
            // s[second + i] = s[a + i]; a + i < second <= T, so the source is already in tokens
            const int sym = row.tokens[a + i];
            row.put(second + i, sym, i > 0);
        }
    }

    // random: s[0..T] uniform over the `digits` symbols, all scored; the loss cannot go below ln(digits).
    void write_random(Rng& rng, const RowWriter& row) const {
        for (int i = 0; i <= T_; i++) row.put(i, rng.randint(digits_), true);
    }

    Task task_;
    std::string name_;
    int T_;
    int digits_;
    CharTokenizer tok_;
    int sep_ = -1, pad_ = -1, query_ = -1;  // ids of '>', '.', '?' (-1 where the task has no such symbol)
    int L_ = 0;        // copy/reverse/sort: input length = answer length
    int n_pairs_ = 0;  // recall: key-value pairs per sequence
    int H_ = 0;        // induction: length of the random half
    int n_scored_ = 0; // scored targets per sequence
    std::vector<Batch> validation_;
    Batch watched_;
};

// ---- text dataset ----

// Character-level language modelling on a corpus. The token stream is split, not shuffled: the first
// (1 - val_fraction) is for training, the rest for validation, so no validation text is ever trained on.
//   training:   windows of T + 1 tokens at uniformly random starts in the training part
//   validation: val_batches * B windows at evenly spaced starts over the validation part
//   watched:    the first window of the validation part that starts a paragraph (else a line, else at 0)
// Every position is scored.
class TextDataset final : public Dataset {
public:
    TextDataset(const DataConfig& cfg, int batch_size, int val_batches) : T_(cfg.seq_len) {
        const KnownCorpus* known = find_known_corpus(cfg.corpus);
        label_ = known ? cfg.corpus : std::filesystem::path(cfg.corpus).filename().string();
        const std::string where = known ? "corpus '" + cfg.corpus + "'" : "corpus file '" + cfg.corpus + "'";
        if (!(cfg.val_fraction > 0.0f && cfg.val_fraction < 1.0f))
            throw std::invalid_argument("val_fraction must be between 0 and 1, exclusive (got " +
                                        fixed(cfg.val_fraction, 3) + ")");

        const std::string text = load_corpus(cfg.corpus);
        tok_.build(text);
        ids_ = tok_.encode(text);
        chars_ = (int)ids_.size();
        entropy_ = unigram_entropy_nats(ids_, tok_.size());
        val_len_ = (int)((double)chars_ * cfg.val_fraction);
        train_len_ = chars_ - val_len_;
        const std::string need = " tokens, fewer than seq_len + 1 = " + std::to_string(T_ + 1);
        if (train_len_ < T_ + 1)
            throw std::invalid_argument(where + ": the training part has only " + std::to_string(train_len_) + need +
                                        " (use a longer text, a shorter seq_len or a smaller val_fraction)");
        if (val_len_ < T_ + 1)
            throw std::invalid_argument(where + ": the validation part has only " + std::to_string(val_len_) + need +
                                        " (use a longer text, a shorter seq_len or a larger val_fraction)");

        const int* val = ids_.data() + train_len_;
        const int n_windows = val_batches * batch_size;
        const int64_t last_start = val_len_ - (T_ + 1);  // window k starts at k * last_start / (n_windows - 1)
        validation_.resize(val_batches);
        for (int v = 0; v < val_batches; v++) {
            Batch& b = validation_[v];
            b.resize(batch_size, T_);
            for (int r = 0; r < batch_size; r++) {
                const int64_t k = (int64_t)v * batch_size + r;
                const int64_t start = n_windows > 1 ? k * last_start / (n_windows - 1) : 0;
                copy_window(val + start, b, r);
            }
        }

        // The watched example should read well: start it right after a blank line, else after a newline.
        const int nl = tok_.id('\n');
        int watched_start = -1;
        for (int i = 2; i + T_ < val_len_ && watched_start < 0; i++)
            if (val[i - 1] == nl && val[i - 2] == nl) watched_start = i;
        for (int i = 1; i + T_ < val_len_ && watched_start < 0; i++)
            if (val[i - 1] == nl) watched_start = i;
        if (watched_start < 0) watched_start = 0;
        watched_.resize(1, T_);
        copy_window(val + watched_start, watched_, 0);
    }

    std::string name() const override { return "text"; }
    const CharTokenizer& tokenizer() const override { return tok_; }
    const std::vector<Batch>& validation() const override { return validation_; }
    const Batch& watched() const override { return watched_; }
    bool scores_all_positions() const override { return true; }

    void sample(Rng& rng, Batch& batch) const override {
        if (batch.B <= 0)
            throw std::invalid_argument("text: sample() needs batch.B >= 1 (call batch.resize(B, T) first)");
        if (batch.T != T_ || batch.tokens.size() != (size_t)batch.B * T_ || batch.targets.size() != batch.tokens.size())
            batch.resize(batch.B, T_);  // allocates only when the shape changes
        for (int b = 0; b < batch.B; b++) {
            const int start = rng.randint(train_len_ - T_);  // 0 .. train_len - (T+1): the window fits
            copy_window(ids_.data() + start, batch, b);
        }
    }

    std::string describe() const override {
        return "text: " + label_ + ", " + std::to_string(chars_) + " characters, " + std::to_string(tok_.size()) +
               " symbols, unigram entropy " + fixed(entropy_, 2) + " nats (train " + std::to_string(train_len_) +
               " / val " + std::to_string(val_len_) + " tokens; scored: all " + std::to_string(T_) + " positions)";
    }

private:
    // window w[0..T] -> row r: tokens = w[0..T-1], targets = w[1..T]
    void copy_window(const int* w, Batch& batch, int r) const {
        int* tokens = batch.tokens.data() + (size_t)r * T_;
        int* targets = batch.targets.data() + (size_t)r * T_;
        for (int t = 0; t < T_; t++) {
            tokens[t] = w[t];
            targets[t] = w[t + 1];
        }
    }

    int T_;
    std::string label_;       // "literature", or the file name
    CharTokenizer tok_;
    std::vector<int> ids_;    // the whole corpus: training part [0, train_len), then validation part
    int chars_ = 0, train_len_ = 0, val_len_ = 0;
    double entropy_ = 0.0;
    std::vector<Batch> validation_;
    Batch watched_;
};

}  // namespace

// ---- make_dataset ----

std::unique_ptr<Dataset> make_dataset(const DataConfig& cfg, int batch_size, int val_batches) {
    struct NamedTask {
        const char* name;
        Task task;
    };
    static const NamedTask kTasks[] = {{"copy", Task::Copy},           {"reverse", Task::Reverse},
                                       {"sort", Task::Sort},           {"recall", Task::Recall},
                                       {"induction", Task::Induction}, {"random", Task::Random}};
    const NamedTask* found = nullptr;
    for (const NamedTask& t : kTasks)
        if (cfg.task == t.name) found = &t;
    if (!found && cfg.task != "text")
        throw std::invalid_argument("unknown task '" + cfg.task +
                                    "' (expected copy, reverse, sort, recall, induction, text, random)");

    if (batch_size <= 0)
        throw std::invalid_argument("batch_size must be at least 1 (got " + std::to_string(batch_size) + ")");
    if (val_batches <= 0)
        throw std::invalid_argument("val_batches must be at least 1 (got " + std::to_string(val_batches) + ")");
    if (cfg.seq_len < kMinSeqLen)
        throw std::invalid_argument("seq_len " + std::to_string(cfg.seq_len) + " is too short: every task needs at least " +
                                    std::to_string(kMinSeqLen) + " positions");

    if (!found) return std::make_unique<TextDataset>(cfg, batch_size, val_batches);

    if (found->task == Task::Induction && cfg.seq_len < 5)
        throw std::invalid_argument("seq_len " + std::to_string(cfg.seq_len) +
                                    " is too short for induction: it needs at least 5 (a segment of 2, repeated)");
    if (found->task == Task::Recall) {  // fixed symbols (a-z keys, 0-9 values): `digits` does not apply
        if (cfg.seq_len < kRecallMinSeqLen)
            throw std::invalid_argument("seq_len " + std::to_string(cfg.seq_len) + " is too short for recall: it needs at least " +
                                        std::to_string(kRecallMinSeqLen) +
                                        " (two key-value pairs, '?', the key and its value)");
    } else if (cfg.digits < 2 || cfg.digits > kMaxDigits) {
        throw std::invalid_argument("digits must be between 2 and " + std::to_string(kMaxDigits) + " (got " +
                                    std::to_string(cfg.digits) + ") for task '" + cfg.task + "'");
    }
    return std::make_unique<SyntheticDataset>(found->task, found->name, cfg, batch_size, val_batches);
}

// ---- unigram entropy ----

// H = -sum_v p_v ln p_v with p_v = count(v) / N: the loss (in nats) of the best model that ignores context.
double unigram_entropy_nats(const std::vector<int>& ids, int vocab) {
    if (ids.empty()) return 0.0;
    std::vector<int64_t> count(vocab > 0 ? vocab : 0, 0);
    for (int i : ids) {
        if (i < 0 || i >= vocab)
            throw std::invalid_argument("unigram_entropy_nats: id " + std::to_string(i) + " is outside the vocabulary of " +
                                        std::to_string(vocab));
        count[i]++;
    }
    const double n = (double)ids.size();
    double h = 0.0;
    for (int v = 0; v < vocab; v++) {  // summed in id order: the same result on every machine
        if (count[v] == 0) continue;   // 0 ln 0 = 0
        const double p = (double)count[v] / n;
        h -= p * std::log(p);
    }
    return h;
}

}  // namespace noam
