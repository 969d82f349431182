#!/usr/bin/env python3
"""Runs the hostile-input table (cases.json): every case must end with its exit code and its message on one
line of stderr, within a time limit, without a crash (a signal or a sanitizer report), and without touching the
files it must keep. Usage: hostile_inputs.py NOAMLAB SOURCE_DIR [NAME-SUBSTRING]"""
import json, os, random, subprocess, sys, tempfile, re, hashlib

def make_file(path, spec, tmp, src, base_config):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if "config" in spec:
        cfg = json.loads(json.dumps(base_config))
        def merge(a, b):
            for k, v in b.items():
                if v is None: a.pop(k, None)
                elif isinstance(v, dict) and isinstance(a.get(k), dict): merge(a[k], v)
                else: a[k] = v
        merge(cfg, spec["config"])
        text = json.dumps(cfg).replace("{tmp}", tmp).replace("{src}", src)
        open(path, "w").write(text)
    elif "random_bytes" in spec:
        rng = random.Random(12345)  # the same bytes every run
        open(path, "wb").write(bytes(rng.getrandbits(8) for _ in range(spec["random_bytes"])))
    elif "repeat" in spec:
        with open(path, "w") as f:
            f.write(spec["repeat"] * spec["times"])
    elif "copy" in spec:
        open(path, "wb").write(open(os.path.join(src, spec["copy"]), "rb").read())
    else:
        open(path, "wb").write(spec["text"].encode("latin-1" if spec.get("latin1") else "utf-8"))

def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()

def main():
    binary, src = sys.argv[1], sys.argv[2]
    only = sys.argv[3] if len(sys.argv) > 3 else ""
    table = json.load(open(os.path.join(src, "tests/hostile/cases.json")))
    base = json.load(open(os.path.join(src, "configs/default.json")))
    fails = 0
    ran = 0
    for case in table["cases"]:
        if only and only not in case["name"]:
            continue
        ran += 1
        with tempfile.TemporaryDirectory() as tmp:
            for name, spec in case.get("files", {}).items():
                make_file(os.path.join(tmp, name), spec, tmp, src, base)
            kept = {k: digest(os.path.join(tmp, k)) for k in case.get("keep", [])}
            args = [a.replace("{tmp}", tmp).replace("{src}", src) for a in case["args"]]
            env = dict(os.environ)
            env.update(case.get("env", {}))
            why = []
            try:
                p = subprocess.run([binary] + args, capture_output=True, env=env, timeout=case.get("timeout", 120))
                err = p.stderr.decode("utf-8", "replace")
                lines = [l for l in err.splitlines() if l.strip()]
                if p.returncode < 0 or p.returncode >= 128:
                    why.append("crashed (exit %d)" % p.returncode)
                elif p.returncode != case["exit"]:
                    why.append("exit %d, expected %d" % (p.returncode, case["exit"]))
                if "ERROR: AddressSanitizer" in err or "runtime error:" in err or "ThreadSanitizer" in err:
                    why.append("sanitizer report")
                if case["message"] and not re.search(case["message"], err):
                    why.append("message does not match /%s/" % case["message"])
                if case["exit"] == 2 and len(lines) != 1:
                    why.append("%d lines on stderr, expected one" % len(lines))
            except subprocess.TimeoutExpired:
                why.append("hung (no exit within the time limit)")
                err = ""
            for k, d in kept.items():
                if not os.path.exists(os.path.join(tmp, k)) or digest(os.path.join(tmp, k)) != d:
                    why.append("the user's file %s was changed or lost" % k)
            if why:
                fails += 1
                print("FAIL %s: %s" % (case["name"], "; ".join(why)))
                for l in err.splitlines()[:4]:
                    print("    " + l[:300])
            else:
                print("ok   %s" % case["name"])
    print("%d of %d hostile inputs handled" % (ran - fails, ran))
    return 1 if fails or ran == 0 else 0

if __name__ == "__main__":
    sys.exit(main())
