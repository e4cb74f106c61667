#!/usr/bin/env python3
"""kill_anywhere.py: the kill-anywhere proof. Each trial, from its seed alone: a journey
(1 or 3 nodes; patch rolling, minor, major, a chain with a required stop, a dry run, a
rollback, a downgrade; foreground or detached) on a fresh sandbox whose actions last long
enough to land in, SIGKILL of the engine at a random moment (inside a step, db-upgrade and
db-restore included, or between two steps), then `hoist resume` (and `hoist rollback --run
--yes` where resume ends at the rollback guide), then invariants from the sandbox's real
state. Prints "ok - ..." / "FAIL - ..." per trial, then "N passed, M failed" and the seed
of each failure: `kill_anywhere.py --seed S` (or `SEED=S make soak`) replays one.

  kill_anywhere.py [--trials N] [--first S] [--seed S] [--jobs J] [--only J1,J2]
                   [--exclude J1,J2] [--keep DIR] [--verbose]
"""
import argparse
import glob
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

BUILD = os.environ.get("top_builddir") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOIST = os.path.join(BUILD, "src/cli/hoist")
SANDBOX = os.path.join(BUILD, "src/sandbox/hoist-sandbox")

# name: (from, to, feed_to, extra upgrade options)
JOURNEYS = {
    "patch": ("2024.1.2", "2024.1.3", "2024.1.5", []),
    "minor": ("2024.1.2", "2024.2.1", "2024.2.3", []),
    "major": ("2024.4.1", "2025.0.3", "2025.0.3", []),
    "chain": ("2023.2.5", "2024.1.3", "2024.1.3", []),
    "dry-run": ("2024.1.2", "2024.2.1", "2024.2.3", ["--dry-run"]),
    "rollback": ("2024.1.2", "2024.2.1", "2024.2.3", []),
    "downgrade": ("2024.1.2", "2024.2.1", "2024.2.3", []),
}
ORDER = ["patch", "minor", "major", "chain", "dry-run", "rollback", "downgrade"]
# Timeline events that change the server (a dry run may leave none).
CHANGES = {"maintenance-on", "maintenance-off", "drain-on", "drain-off", "node-down", "node-up",
           "install", "schema", "db-restore", "os-patch"}
# Which sandbox action a step waits on, for a kill inside it.
STEP_ACTION = {"stop": "stop", "start": "start", "install": "install", "db-upgrade": "db-upgrade",
               "backup-db": "db-backup", "db-restore": "db-restore"}
TIMEOUT = 180


def read_jsonl(path):
    """The JSON lines of path that parse (a line cut short is left out); none if unreadable."""
    evs = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    evs.append(json.loads(line))
                except ValueError:
                    pass
    except OSError:
        pass
    return evs


def now_ms():
    return int(time.time() * 1000)


class Trial:
    def __init__(self, seed, root, verbose=False):
        self.seed = seed
        self.rng = random.Random(seed)
        rng = self.rng
        self.journey = ORDER[rng.randrange(len(ORDER))]
        self.nodes = rng.choice([1, 3])
        self.detached = rng.random() < 0.5
        self.frm, self.to, self.feed_to, self.extra = JOURNEYS[self.journey]
        self.durations = {
            "stop": rng.randint(100, 400), "start": rng.randint(100, 400),
            "install": rng.randint(200, 800), "db-upgrade": rng.randint(300, 3000),
            "db-backup": rng.randint(100, 600), "db-restore": rng.randint(200, 1000),
        }
        # "pnr": inside the database upgrade or restore where the run has one.
        self.kill_mode = rng.choice(["step", "step", "between", "time", "pnr"])
        self.kill_pick = rng.random()
        self.kill_frac = rng.random()
        self.kill_time = rng.uniform(0.0, 3.0)
        self.dir = os.path.join(root, "trial-%d" % seed)
        self.verbose = verbose
        self.notes = []
        self.problems = []
        self.serve = None

    # ---- helpers ----
    def log(self, msg):
        self.notes.append(msg)
        if self.verbose:
            print("  seed %d: %s" % (self.seed, msg), flush=True)

    def env(self):
        e = dict(os.environ)
        e["HOIST_STATE_DIR"] = self.state
        e.pop("HOIST_API_KEY", None)
        e["LC_ALL"] = "C"
        e.pop("LANG", None)
        e.pop("LANGUAGE", None)
        return e

    def hoist(self, *args, timeout=TIMEOUT, name=None):
        out = os.path.join(self.dir, "%s.out" % (name or args[0]))
        with open(out, "ab") as f:
            f.write(("$ hoist %s\n" % " ".join(args)).encode())
            f.flush()
            try:
                p = subprocess.run([HOIST, "--config", self.conf] + list(args), stdout=f,
                                   stderr=subprocess.STDOUT, env=self.env(), timeout=timeout)
                rc = p.returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
            f.write(("[exit %s]\n" % rc).encode())
        return rc

    def ctl_status(self):
        p = subprocess.run([SANDBOX, "ctl", self.sb, "status", "--json"], capture_output=True,
                           text=True, timeout=60)
        return json.loads(p.stdout)

    def timeline(self):
        return read_jsonl(os.path.join(self.sb, "timeline.jsonl"))

    def runs(self):
        return sorted(glob.glob(os.path.join(self.state, "runs", "*")))

    def journal(self, run):
        return read_jsonl(os.path.join(run, "journal.jsonl"))

    def lock_pid(self):
        for path in glob.glob(os.path.join(self.state, "locks", "*.lock")):
            try:
                with open(path) as f:
                    return int(json.load(f)["pid"])
            except (OSError, ValueError, KeyError):
                pass
        return None

    # ---- the sandbox ----
    def setup(self):
        os.makedirs(self.dir)
        self.sb = os.path.join(self.dir, "sb")
        self.state = os.path.join(self.dir, "state")
        roles = "primary" if self.nodes == 1 else "primary,base,base"
        durs = ",".join("%s=%d" % kv for kv in self.durations.items())
        subprocess.run([SANDBOX, "init", self.sb, "--nodes", str(self.nodes), "--roles", roles,
                        "--version", self.frm, "--feed-to", self.feed_to, "--seed",
                        str(self.seed % 1000 + 1), "--durations",
                        durs + ",task-rate=0"], check=True, stdout=subprocess.DEVNULL)
        self.serve_out = open(os.path.join(self.dir, "serve.out"), "w+")
        self.serve = subprocess.Popen([SANDBOX, "serve", self.sb, "--port", "0"],
                                      stdout=self.serve_out, stderr=subprocess.STDOUT)
        for _ in range(400):
            self.serve_out.seek(0)
            if self.serve_out.readline().startswith("http"):
                break
            time.sleep(0.025)
        self.conf = os.path.join(self.sb, "hoist.conf")
        for _ in range(100):
            if self.hoist("check", name="setup", timeout=30) != 3:
                break
            time.sleep(0.1)
        st = self.ctl_status()
        self.data_before = st["data_sha256"]

    def teardown(self):
        # Nothing of this trial may run on: engines, actions.
        for pid in self.leftover_processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if self.serve:
            self.serve.terminate()
            try:
                self.serve.wait(10)
            except subprocess.TimeoutExpired:
                self.serve.kill()
            self.serve_out.close()

    def leftover_processes(self):
        """Processes other than serve whose command line names this trial's folder."""
        found = []
        for d in glob.glob("/proc/[0-9]*"):
            try:
                pid = int(os.path.basename(d))
                with open(d + "/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
                with open(d + "/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except (OSError, ValueError, IndexError):
                continue
            if state == "Z" or pid == os.getpid() or (self.serve and pid == self.serve.pid):
                continue
            if self.dir in cmd and " serve " not in cmd:
                found.append(pid)
        return found

    # ---- the journey ----
    def command(self):
        if self.journey == "rollback":
            args = ["rollback", "--run", "--yes"]
        elif self.journey == "downgrade":
            args = ["downgrade", "--to", self.frm, "--yes"]
        else:
            args = ["upgrade", "--to", self.to, "--yes"] + self.extra
            if self.detached:
                args.append("--detach")
        return args

    def before(self):
        """What the journey needs before the run that is killed."""
        if self.journey == "rollback":
            # An upgrade that fails after the point of no return: the rollback is killed.
            subprocess.run([SANDBOX, "fault", self.sb, "set", "start@%s:node1=fail" % self.to],
                           check=True, stdout=subprocess.DEVNULL)
            rc = self.hoist("upgrade", "--to", self.to, "--yes", name="before")
            subprocess.run([SANDBOX, "fault", self.sb, "clear"], check=True,
                           stdout=subprocess.DEVNULL)
            self.log("failing upgrade first: exit %s" % rc)
            if rc != 4:
                self.problems.append("the failing upgrade before the rollback exited %s, not 4" % rc)
        elif self.journey == "downgrade":
            rc = self.hoist("upgrade", "--to", self.to, "--yes", name="before")
            self.log("upgrade first: exit %s" % rc)
            if rc != 0:
                self.problems.append("the upgrade before the downgrade exited %s, not 0" % rc)

    def wait_run(self, n_before, proc, deadline):
        while time.time() < deadline:
            runs = self.runs()
            if len(runs) > n_before and self.journal(runs[-1]):
                return runs[-1]
            if proc.poll() is not None and len(self.runs()) == n_before:
                return None
            time.sleep(0.01)
        return None

    def kill_engine(self, run, proc):
        """Waits for the chosen moment and SIGKILLs the engine; what it hit, or None."""
        deadline = time.time() + 60
        start = time.time()
        target = None
        evs = []
        while time.time() < deadline:
            evs = self.journal(run)
            if evs and evs[0].get("event") == "run-start":
                break
            if any(e.get("event") == "run-end" for e in evs):
                return None
            time.sleep(0.01)
        steps = (evs[0].get("steps") or []) if evs else []
        if self.kill_mode == "pnr":
            steps = [x for x in steps if x.get("step") in ("db-upgrade", "db-restore")] or steps
        if self.kill_mode in ("step", "between", "pnr") and steps:
            target = steps[int(self.kill_pick * len(steps)) % len(steps)]
        want = "step-end" if self.kill_mode == "between" else "step-start"
        # A step may come more than once (the hops of a chain): the n-th of them.
        nth = 1 + int(self.kill_frac * 2) if self.journey == "chain" else 1
        where = "after %.2fs" % self.kill_time
        while time.time() < deadline:
            evs = self.journal(run)
            if any(e.get("event") == "run-end" for e in evs):
                return None
            if target is None:
                if time.time() - start >= self.kill_time:
                    break
            elif sum(1 for e in evs if e.get("event") == want and
                     e.get("step") == target.get("step") and
                     e.get("node") == target.get("node")) >= min(nth, sum(
                         1 for x in steps if x.get("step") == target.get("step") and
                         x.get("node") == target.get("node"))):
                if want == "step-start":
                    ms = self.durations.get(STEP_ACTION.get(target["step"], ""), 50)
                    time.sleep(self.kill_frac * ms / 1000.0)
                    where = "in %s %s +%dms" % (target["step"], target.get("node") or "",
                                                int(self.kill_frac * ms))
                else:
                    where = "after %s %s" % (target["step"], target.get("node") or "")
                break
            time.sleep(0.005)
        pid = self.lock_pid()
        if not pid:
            return None
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            return None
        # Killed after its run-end, before it let go of the lock: a moment like any other.
        if any(e.get("event") == "run-end" for e in self.journal(run)):
            return where + " (after run-end)"
        return where

    def recover(self):
        rc = self.hoist("resume", name="resume")
        self.log("resume: exit %s" % rc)
        if rc == "timeout":
            self.problems.append("hoist resume did not end within %ds" % TIMEOUT)
            return
        if rc == 5:
            self.problems.append("hoist resume was refused: a lock is held (exit 5)")
        if rc == 4 or self.guide_needed():
            rc2 = self.hoist("rollback", "--run", "--yes", name="rollback")
            self.log("rollback --run: exit %s" % rc2)
            if rc2 not in (0,):
                self.problems.append("hoist rollback --run --yes exited %s" % rc2)

    def guide_needed(self):
        runs = self.runs()
        if not runs:
            return False
        for e in reversed(self.journal(runs[-1])):
            if e.get("event") == "run-end":
                return e.get("status") == "failed" and "rollback" in (e.get("message") or "")
        return False

    # ---- the invariants ----
    def check(self, t0):
        st = self.ctl_status()
        p = self.problems
        versions = sorted({n["version"] for n in st["nodes"]})
        if len(versions) != 1 or versions[0] not in (self.frm, self.to):
            p.append("nodes are on %s, not all on %s or all on %s" % (
                ",".join("%s=%s" % (n["name"], n["version"]) for n in st["nodes"]),
                self.frm, self.to))
        down = [n["name"] for n in st["nodes"] if not n["running"]]
        if down:
            p.append("not running: %s" % ",".join(down))
        drained = [n["name"] for n in st["nodes"] if n["drained"]]
        if drained:
            p.append("drained: %s" % ",".join(drained))
        if st["maintenance"]:
            p.append("maintenance mode is on")
        if len(versions) == 1:
            want = ".".join(versions[0].split(".")[:2])
            if st["schema"] != want:
                p.append("schema %s under nodes on %s" % (st["schema"], versions[0]))
        if st["data_sha256"] != self.data_before:
            p.append("data_sha256 changed")
        if self.journey == "dry-run":
            changed = [e["event"] for e in self.timeline() if e.get("t", 0) > t0 and
                       e.get("event") in CHANGES]
            if changed:
                p.append("a dry run changed the server: %s" % ",".join(sorted(set(changed))))
        locks = glob.glob(os.path.join(self.state, "locks", "*.lock"))
        if locks:
            p.append("a lock is left")
        left = glob.glob(os.path.join(self.state, "runs", "*", "actions", "*.json"))
        if left:
            p.append("action records are left: %s" % ",".join(os.path.basename(x) for x in left))
        procs = self.leftover_processes()
        if procs:
            p.append("processes still run: %s" % ",".join(map(str, procs)))
        # hoist status agrees with the sandbox.
        out = subprocess.run([HOIST, "--config", self.conf, "status"], capture_output=True,
                             text=True, env=self.env(), timeout=60).stdout
        if "interrupted" in out or "State: running" in out:
            p.append("hoist status says: %s" % next(
                (l for l in out.splitlines() if l.startswith("State:")), "?"))
        runs = self.runs()
        if runs and len(versions) == 1:
            evs = self.journal(runs[-1])
            start = next((e for e in evs if e.get("event") == "run-start"), None)
            end = next((e for e in evs if e.get("event") == "run-end"), None)
            if start and end and end.get("status") in ("ok", "done") and \
                    not (start.get("message") or "").startswith("dry run") and \
                    start.get("to") not in (None, versions[0]) and \
                    start.get("to_version") not in (None, versions[0]):
                p.append("the last run ended well for %s, but the nodes run %s" % (
                    start.get("to") or start.get("to_version"), versions[0]))

    def run(self):
        try:
            self.setup()
            self.before()
            t0 = now_ms()
            n_before = len(self.runs())
            args = self.command()
            out = open(os.path.join(self.dir, "killed.out"), "w")
            proc = subprocess.Popen([HOIST, "--config", self.conf] + args, stdout=out,
                                    stderr=subprocess.STDOUT, env=self.env())
            run = self.wait_run(n_before, proc, time.time() + 60)
            hit = self.kill_engine(run, proc) if run else None
            self.log("killed %s" % hit if hit else "not killed: the run ended first")
            try:
                rc = proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = "timeout"
                self.problems.append("the foreground command did not end after its engine was killed")
            out.close()
            self.log("%s: exit %s" % (args[0], rc))
            self.hit = hit
            self.recover()
            self.check(t0)
        except Exception as e:  # a broken trial is a failed one, with its seed
            self.problems.append("the harness itself failed: %r" % e)
            self.hit = None
        finally:
            self.teardown()
        return not self.problems

    def describe(self):
        return "seed %d: %s, %d node%s, %s%s" % (
            self.seed, self.journey, self.nodes, "" if self.nodes == 1 else "s",
            "detached" if self.detached and self.journey not in ("rollback", "downgrade")
            else "foreground", ", killed %s" % self.hit if self.hit else ", not killed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=int(os.environ.get("TRIALS", "200")))
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--seed", type=int, default=None, help="replay this one seed")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "1")))
    ap.add_argument("--only", default="")
    ap.add_argument("--exclude", default="")
    ap.add_argument("--keep", default=None, help="keep failed trials' folders here")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    only = set(filter(None, a.only.split(",")))
    exclude = set(filter(None, a.exclude.split(",")))
    root = tempfile.mkdtemp(prefix="hoist-kill.")
    if a.seed is not None:
        seeds = [a.seed]
    else:
        # The journey follows from the seed alone; a filter skips seeds, never changes one.
        seeds, s = [], a.first
        while len(seeds) < a.trials and s < a.first + 100 * a.trials + 100:
            j = Trial(s, root).journey
            if (not only or j in only) and j not in exclude:
                seeds.append(s)
            s += 1
    results = {}
    lock = threading.Lock()
    queue = list(seeds)

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                seed = queue.pop(0)
            t = Trial(seed, root, a.verbose)
            ok = t.run()
            with lock:
                results[seed] = (ok, t)
                if ok:
                    print("ok - %s" % t.describe(), flush=True)
                else:
                    print("FAIL - %s: %s" % (t.describe(), "; ".join(t.problems)), flush=True)
                    print("       %s" % " | ".join(t.notes), flush=True)
                    if a.keep:
                        os.makedirs(a.keep, exist_ok=True)
                        shutil.copytree(t.dir, os.path.join(a.keep, os.path.basename(t.dir)),
                                        dirs_exist_ok=True, ignore_dangling_symlinks=True,
                                        ignore=shutil.ignore_patterns("ssh-*", "*.sock"))
                if ok:
                    shutil.rmtree(t.dir, ignore_errors=True)

    threads = [threading.Thread(target=worker) for _ in range(max(1, a.jobs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    failed = sorted(s for s, (ok, _) in results.items() if not ok)
    # A trial that raised took its worker down and reported nothing: a failure too.
    missing = [s for s in seeds if s not in results]
    for s in missing:
        print("FAIL - seed %d: the trial did not finish" % s, flush=True)
    print("%d passed, %d failed" % (len(results) - len(failed), len(failed) + len(missing)))
    for s in failed:
        t = results[s][1]
        print("failed seed %d (%s): replay with SEED=%d make soak" % (s, t.journey, s))
    shutil.rmtree(root, ignore_errors=True)
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
