#!/usr/bin/python3
"""Writes the damaged run files of tests/data/broken_runs/ and the message each must be refused with
(tests/data/broken_runs_expected.json), read by tests/unit/test_checkpoint.cpp and tests/cli/cli_runs.sh.

It starts from a good run file, tests/data/runs/tiny.noamrun (4 steps of tests/data/runs/tiny.json, written by
`noamlab train tiny.json --stop-at 4 --save tiny.noamrun`; pass the noamlab binary to write it afresh), reads it
with nothing but the format description in docs/run_format.md (struct, json, and zlib's CRC-32: an independent
check that our CRC is the standard one), and writes one variant per way a file can be wrong: truncated at
several points, flipped bytes, a newer or impossible version, a header for another model or optimizer, a broken
header, an empty file, a file that is not a run, a directory.

usage: /usr/bin/python3 tests/reference/make_broken_runs.py [NOAMLAB_BINARY]
Run by hand when the format changes (bump kRunFormatVersion) or the tiny model's parameters change; commit the
files it writes. CI only reads them.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNS = os.path.join(ROOT, "tests", "data", "runs")
OUT = os.path.join(ROOT, "tests", "data", "broken_runs")
EXPECTED = os.path.join(ROOT, "tests", "data", "broken_runs_expected.json")
MAGIC = b"NOAMRUN\0"
# the newest format version noamlab reads (kRunFormatVersion in core/checkpoint.h); tiny.noamrun stays a version 1
# file, so that reading the older version stays tested
READER_VERSION = 2
FRONT = 8 + 4 + 8  # magic, version (uint32), header length (uint64); then the header, the arrays, the CRC-32


def parse(data):
    assert data[:8] == MAGIC
    version, header_len = struct.unpack_from("<IQ", data, 8)
    header = json.loads(data[FRONT:FRONT + header_len].decode("utf-8"))
    arrays = data[FRONT + header_len:-4]
    (crc,) = struct.unpack_from("<I", data, len(data) - 4)
    assert crc == zlib.crc32(data[:-4]), "the stored checksum is not zlib's CRC-32 of the bytes before it"
    assert len(arrays) == 4 * sum(a["count"] for a in header["arrays"])
    return version, header, header_len, arrays


def build(version, header, arrays, header_text=None):
    text = header_text if header_text is not None else json.dumps(header, separators=(",", ":")).encode("utf-8")
    body = MAGIC + struct.pack("<IQ", version, len(text)) + text + arrays
    return body + struct.pack("<I", zlib.crc32(body))


def flip(data, at):
    return data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1:]


def main():
    good_path = os.path.join(RUNS, "tiny.noamrun")
    if len(sys.argv) > 1:
        subprocess.run([sys.argv[1], "train", os.path.join(RUNS, "tiny.json"), "--stop-at", "4", "--threads", "1",
                        "--quiet", "--save", good_path], check=True)
    good = open(good_path, "rb").read()
    version, header, header_len, arrays = parse(good)
    end_of_header = FRONT + header_len
    weights_bytes = 4 * header["arrays"][0]["count"]

    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "directory.noamrun"))
    with open(os.path.join(OUT, "directory.noamrun", "README"), "w") as f:
        f.write("A directory where a run file is expected: loading it must be refused.\n")
    expected = {"directory": "is a directory, not a run file"}

    def write(name, data, message):
        with open(os.path.join(OUT, name + ".noamrun"), "wb") as f:
            f.write(data)
        expected[name] = message

    def with_header(change):
        h = json.loads(json.dumps(header))
        change(h)
        return build(version, h, arrays)

    n = len(good)
    write("empty", b"", "empty file, not a run file")
    write("not_a_run", open(os.path.join(RUNS, "tiny.json"), "rb").read(),
          "not a NoamLab run file (it does not start with \"NOAMRUN\")")
    write("wrong_magic", b"NOAMRAN\0" + good[8:], "not a NoamLab run file")
    write("truncated_in_magic", good[:5], "truncated: 5 bytes, fewer than the 24 of the smallest run file")
    write("truncated_in_frame", good[:16], "truncated: 16 bytes, fewer than the 24")
    write("truncated_in_header", good[:200],
          "truncated: the header needs %d bytes but the file has 200 in all" % header_len)
    write("truncated_in_weights", good[:end_of_header + weights_bytes // 2],
          "truncated: the file has %d bytes, its header describes %d" % (end_of_header + weights_bytes // 2, n))
    write("truncated_before_checksum", good[:n - 4], "truncated: the file has %d bytes, its header describes %d" % (n - 4, n))
    write("truncated_in_checksum", good[:n - 1], "truncated: the file has %d bytes, its header describes %d" % (n - 1, n))
    write("flipped_weight_byte", flip(good, end_of_header + 101), "damaged: the checksum does not match")
    write("flipped_state_byte", flip(good, end_of_header + weights_bytes + 7), "damaged: the checksum does not match")
    step_at = good.index(b'"step":') + len(b'"step":')
    write("flipped_header_byte", flip(good, step_at), "damaged: the checksum does not match")
    write("flipped_checksum_byte", flip(good, n - 2), "damaged: the checksum does not match")
    write("flipped_version_byte", flip(good, 11), "format version %d is newer than this noamlab reads (up to %d)"
          % (version ^ (0x10 << 24), READER_VERSION))
    write("newer_version", build(READER_VERSION + 1, header, arrays),
          "format version %d is newer than this noamlab reads (up to %d): load it with a newer noamlab"
          % (READER_VERSION + 1, READER_VERSION))
    write("version_zero", build(0, header, arrays), "format version 0 does not exist")
    write("header_not_json", build(version, None, arrays, header_text=b"{" * header_len),
          "damaged: the header is not a JSON object")
    write("header_missing_step", with_header(lambda h: h.pop("step")), "header/step: missing")
    write("header_bad_config", with_header(lambda h: h["config"]["model"].update(n_heads=3)),
          "header/config/model/n_heads: d_model (16) must be divisible by n_heads (3)")

    def more_weights(h):
        h["arrays"][0]["count"] += 1
    write("arrays_do_not_fill_the_file", with_header(more_weights), "damaged: the header lists %d bytes of arrays, "
          "the file holds %d" % (len(arrays) + 4, len(arrays)))

    # a header whose config builds another model than the weights were saved for
    w1 = next(p for p in header["params"] if p["name"].endswith("ffn.w1.w"))
    write("wrong_model", with_header(lambda h: h["config"]["model"].update(d_ff=24)),
          "the model differs from the saved one: tensor %d is %s (%dx%d) in the file, %s (%dx24) in the model"
          % (header["params"].index(w1), w1["name"], w1["shape"][0], w1["shape"][1], w1["name"], w1["shape"][0]))
    write("wrong_optimizer", with_header(lambda h: h["config"]["optim"].update(kind="sgd")),
          "the optimizer differs from the saved one: the file has Adam with 2 state arrays, the config builds "
          "SGD+momentum with 1")
    write("wrong_data", with_header(lambda h: h["config"]["data"].update(digits=3)),
          "the data differs from the saved run's")

    with open(EXPECTED, "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %d broken run files to %s" % (len(expected), OUT))


if __name__ == "__main__":
    main()
