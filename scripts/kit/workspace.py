"""The grader's scratch tree: build/kit/src (a copy of a course tree) with its build directories
build/kit/build and build/kit/build-asan, reused by every grading, self-check and mutant run.

A copy is brought up to date file by file: a file whose bytes did not change is left alone, so
ninja rebuilds only what differs (grading thirty students of one lesson compiles thirty times
what they wrote, not the course). Every file written gets a fresh modification time, taken
from the fine-grained clock, so a file restored after a stub or a mutant is always newer than
the objects built from the modified one and is rebuilt."""

import fcntl
import os
import pathlib
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

import results
import tasks as kit

KIT_HOME = kit.ROOT / "build" / "kit"
# What the grader runs a student's code with: always the instructor's copy.
INSTRUCTOR_PATHS = ("tests/", "cmake/", "CMakeLists.txt", "scripts/")
INSTRUCTOR_ONLY = ("tests/mutants/", ".ci/")


def run_group(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run in a process group of its own, the whole group killed if we are stopped
    (SIGTERM, Ctrl-C) while it runs: ctest's tests and ninja's compilers with it."""
    with subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          **kwargs) as process:
        try:
            out, err = process.communicate()
        except BaseException:
            os.killpg(process.pid, 9)
            raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def write_fresh(path: pathlib.Path, data: bytes, mode: int | None = None) -> None:
    if path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mode is not None:
        os.chmod(path, mode)
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def reference_files(root: pathlib.Path) -> dict[str, pathlib.Path]:
    """The files of a git checkout as its developer sees them: tracked (as in the working tree)
    and new ones git does not ignore."""
    command = ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    out = subprocess.run(command, check=True, capture_output=True).stdout
    names = sorted({n for n in out.decode().split("\0") if n and "__pycache__/" not in n})
    return {n: root / n for n in names if (root / n).is_file() or (root / n).is_symlink()}


def tree_files(root: pathlib.Path, skip: list[pathlib.Path]) -> dict[str, pathlib.Path]:
    """Every file of a student's tree (not necessarily a git checkout), minus build directories,
    hidden directories and the given ones (the grader's own output)."""
    files = {}
    skip = [s.resolve() for s in skip]
    for dirpath, dirnames, filenames in os.walk(root):
        here = pathlib.Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            path = here / name
            top_level_build = here == root and name.startswith("build")
            if name.startswith(".") or name == "__pycache__" or top_level_build or path.resolve() in skip:
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            path = here / name
            if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
                # Not the student's work (it could point at the reference solution): left out.
                print(f"scripts/grade: {path} points outside the tree; left out", file=sys.stderr)
                continue
            files[str(path.relative_to(root))] = path
    return files


def grading_files(student: pathlib.Path, instructor: pathlib.Path,
                  skip: list[pathlib.Path]) -> dict[str, pathlib.Path]:
    """A student's tree with the instructor's tests, CMake files and scripts put over it."""
    files = {rel: path for rel, path in tree_files(student, skip).items()
             if not rel.startswith(INSTRUCTOR_PATHS) and not rel.startswith(INSTRUCTOR_ONLY)}
    for rel, path in reference_files(instructor).items():
        if rel.startswith(INSTRUCTOR_PATHS) and not rel.startswith(INSTRUCTOR_ONLY):
            files[rel] = path
    return files


@dataclass
class BuildResult:
    ok: bool
    output: str
    seconds: float

    def first_errors(self, limit: int = 25, strip: str = "") -> list[str]:
        """The compiler's first error lines with a little context: what a report shows (paths
        without the scratch tree's `strip` prefix, compiler command lines left out)."""
        lines = [line.replace(strip, "") if strip else line for line in self.output.splitlines()
                 if not (" -c " in line and " -o " in line)]
        picked = []
        for number, line in enumerate(lines):
            if "error" in line.lower() or line.startswith("FAILED:"):
                picked.extend(lines[number:number + 3])
            if len(picked) >= limit:
                break
        unique = list(dict.fromkeys(picked))
        return unique[:limit] or lines[-limit:]


class Workspace:
    def __init__(self, home: pathlib.Path = KIT_HOME, timeout: int = 60, log=sys.stderr,
                 jobs: int | None = None):
        self.home = home
        self.jobs = jobs  # tests at once, whatever the caller prefers (scripts/grade --jobs)
        self.src = home / "src"
        self.timeout = timeout
        self.log = log
        self._originals: dict[str, bytes | None] = {}
        self._lock_file = None

    # -- one grader at a time per workspace --
    def __enter__(self):
        self.home.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.home / "lock", "a")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.say(f"waiting for another scripts/grade using {self.home}")
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        self.restore()
        self._lock_file.close()

    def say(self, text: str) -> None:
        print(f"scripts/grade: {text}", file=self.log, flush=True)

    # -- the copy --
    def sync(self, files: dict[str, pathlib.Path]) -> int:
        """Makes src hold exactly these files (relative name -> where to read it); returns how
        many were written."""
        self.restore()
        written = 0
        for rel, source in files.items():
            dest = self.src / rel
            if source.is_symlink():
                target = os.readlink(source)
                if dest.is_symlink() and os.readlink(dest) == target:
                    continue
                if dest.exists() or dest.is_symlink():
                    dest.unlink()
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.symlink_to(target)
                written += 1
                continue
            data = source.read_bytes()
            mode = source.stat().st_mode & 0o777
            if dest.is_file() and not dest.is_symlink():
                if dest.read_bytes() == data:
                    if dest.stat().st_mode & 0o777 != mode:
                        os.chmod(dest, mode)
                    continue
            write_fresh(dest, data, mode)
            written += 1
        wanted = set(files)
        for dirpath, dirnames, filenames in os.walk(self.src, topdown=False):
            here = pathlib.Path(dirpath)
            for name in filenames:
                path = here / name
                if str(path.relative_to(self.src)) not in wanted:
                    path.unlink()
                    written += 1
            for name in dirnames:
                path = here / name
                if path.is_symlink():
                    if str(path.relative_to(self.src)) not in wanted:
                        path.unlink()
                elif not any(path.iterdir()):
                    path.rmdir()
        return written

    # -- edits that are undone: stubs and mutants --
    def edit(self, rel: str, data: bytes | None) -> None:
        """Replaces (or with None deletes) a file of src, remembering the original for restore()."""
        path = self.src / rel
        if rel not in self._originals:
            self._originals[rel] = path.read_bytes() if path.exists() else None
        if data is None:
            path.unlink(missing_ok=True)
        else:
            write_fresh(path, data)

    def restore(self) -> None:
        for rel, data in self._originals.items():
            path = self.src / rel
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_fresh(path, data)
        self._originals.clear()

    def apply_patch(self, patch_text: str) -> tuple[bool, str]:
        """git apply inside src (no repository needed), remembering every file it touches."""
        # src lies inside the instructor's checkout: git must not find that repository, or it
        # would apply the paths relative to its root and skip them all (outside the cwd).
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(self.src.parent))
        numstat = subprocess.run(["git", "apply", "--numstat", "-"], input=patch_text.encode(), cwd=self.src,
                                 capture_output=True, env=env)
        if numstat.returncode != 0:
            return False, numstat.stderr.decode()
        touched = [line.split("\t", 2)[2] for line in numstat.stdout.decode().splitlines()
                   if line.count("\t") >= 2]
        for rel in touched:
            path = self.src / rel
            if rel not in self._originals:
                self._originals[rel] = path.read_bytes() if path.exists() else None
        applied = subprocess.run(["git", "apply", "-"], input=patch_text.encode(), cwd=self.src,
                                 capture_output=True, env=env)
        if applied.returncode != 0:
            return False, applied.stderr.decode()
        now = time.time_ns()
        changed = 0
        for rel in touched:
            path = self.src / rel
            current = path.read_bytes() if path.exists() else None
            changed += current != self._originals[rel]
            if current is not None:
                os.utime(path, ns=(now, now))
        if not changed:
            return False, "git apply changed no file"
        return True, ""

    # -- build and run --
    def build_dir(self, sanitize: bool) -> pathlib.Path:
        return self.home / ("build-asan" if sanitize else "build")

    def build(self, targets: list[str], sanitize: bool = False) -> BuildResult:
        build_dir = self.build_dir(sanitize)
        start = time.monotonic()
        settings = {"CMAKE_BUILD_TYPE": "Debug" if sanitize else "RelWithDebInfo",
                    "COURSE_SANITIZE": "address,undefined" if sanitize else "",
                    "COURSE_TEST_TIMEOUT": str(self.timeout)}
        if self._cache_differs(build_dir, settings):
            command = ["cmake", "-S", str(self.src), "-B", str(build_dir), "-G", "Ninja"]
            command += [f"-D{key}={value}" for key, value in settings.items()]
            configure = subprocess.run(command, capture_output=True, text=True)
            if configure.returncode != 0:
                return BuildResult(False, configure.stdout + configure.stderr, time.monotonic() - start)
        made = run_group(["ninja", "-C", str(build_dir), *targets])
        output = (made.stdout + made.stderr).decode(errors="replace")
        return BuildResult(made.returncode == 0, output, time.monotonic() - start)

    @staticmethod
    def _cache_differs(build_dir: pathlib.Path, settings: dict[str, str]) -> bool:
        cache = build_dir / "CMakeCache.txt"
        if not cache.exists():
            return True
        values = {}
        for line in cache.read_text(errors="replace").splitlines():
            if ":" in line and "=" in line and not line.startswith(("#", "//")):
                key, _, rest = line.partition(":")
                values[key] = rest.partition("=")[2]
        return any(values.get(key) != value for key, value in settings.items())

    def build_inputs(self, target: str, sanitize: bool = False) -> set[pathlib.Path]:
        """Every source file a target is built from, as ninja's manifest lists them (headers
        only once ninja has built it and recorded their dependencies)."""
        build_dir = self.build_dir(sanitize)
        listed = subprocess.run(["ninja", "-C", str(build_dir), "-t", "inputs", target],
                                capture_output=True, text=True)
        inputs = {(build_dir / line).resolve() for line in listed.stdout.splitlines() if line}
        return inputs

    def setup_deps(self, label: str) -> None:
        """Installs the third-party peers a label's tests need (scripts/deps/LABEL.txt), as
        scripts/test does."""
        if (kit.ROOT / "scripts" / "deps" / f"{label}.txt").exists():
            subprocess.run([str(kit.ROOT / "scripts" / "setup"), label], check=False,
                           stdout=self.log, stderr=self.log)
        self.link_installed()

    def link_installed(self) -> None:
        """The npm packages scripts/setup installed into the instructor's tests/ (git ignores
        them, so no copy holds them) are linked into src/tests/ at the same places."""
        for dirpath, dirnames, _ in os.walk(kit.ROOT / "tests"):
            if "node_modules" in dirnames:
                dirnames.remove("node_modules")
                installed = pathlib.Path(dirpath) / "node_modules"
                link = self.src / installed.relative_to(kit.ROOT)
                if link.parent.is_dir() and not link.exists():
                    if link.is_symlink():
                        link.unlink()
                    link.symlink_to(installed)

    def ctest(self, label: str, junit: pathlib.Path, sanitize: bool = False, stop_on_failure: bool = False,
              jobs: int | None = None) -> list[results.TestResult]:
        """Runs a label's tests with the time limit (jobs at once: --jobs if given, else `jobs`,
        else one per core); every process they leave is killed."""
        build_dir = self.build_dir(sanitize)
        junit.parent.mkdir(parents=True, exist_ok=True)
        junit.unlink(missing_ok=True)
        run_id = f"grade.{os.getpid()}.{time.time_ns()}"
        command = ["ctest", "-L", f"^{label}$", "--timeout", str(self.timeout), "--output-junit", str(junit),
                   "-j", str(jobs or self.jobs or os.cpu_count() or 1), "--no-tests=error"]
        if stop_on_failure:
            command.append("--stop-on-failure")
        env = dict(os.environ, COURSE_TEST_RUN=run_id)
        try:
            run_group(command, cwd=build_dir, env=env)
        finally:
            kill_leftovers(run_id, self)
        if not junit.exists():
            return []
        return results.read_junit(junit)


def kill_leftovers(run_id: str, workspace: Workspace) -> None:
    """Ends what the tests started and left running (they carry COURSE_TEST_RUN=run_id)."""
    marker = f"COURSE_TEST_RUN={run_id}".encode()
    for environ in pathlib.Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes().split(b"\0"):
                pid = int(environ.parent.name)
                workspace.say(f"a test left process {pid} running; killing it")
                os.kill(pid, 9)
        except (OSError, ValueError):
            continue


def remove(path: pathlib.Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
