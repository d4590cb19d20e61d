"""Test results as ctest reports them (--output-junit): one TestResult per test."""

import pathlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass


@dataclass
class TestResult:
    name: str  # Suite.Test as tasks.toml's patterns see it (ctest's "  # GetParam() = ..." cut off)
    passed: bool
    seconds: float = 0.0
    output: str = ""
    why: str = ""  # ctest's word for a failure: Failed, Timeout, SEGFAULT, ...; or "skipped"

    @property
    def skipped(self) -> bool:
        """The test skipped itself (GTEST_SKIP: not for this variant or machine): neither
        passed nor failed, and not counted."""
        return self.why == "skipped"

    @property
    def status(self) -> str:
        return "skipped" if self.skipped else "passed" if self.passed else (self.why or "failed")


def test_name(ctest_name: str) -> str:
    """A value-parameterized test's ctest name carries a comment: `P/S.T/x  # GetParam() = 1`."""
    return ctest_name.split("  #", 1)[0].strip()


def read_junit(path: pathlib.Path) -> list[TestResult]:
    return parse_junit(path.read_text(encoding="utf-8", errors="replace"))


def parse_junit(text: str) -> list[TestResult]:
    root = ET.fromstring(text)
    found = []
    for case in root.iter("testcase"):
        status = case.get("status", "run")
        failure = case.find("failure")
        output = case.findtext("system-out") or ""
        skipped = case.find("skipped")
        if skipped is not None and skipped.get("message") == "SKIP_REGULAR_EXPRESSION_MATCHED":
            passed, why = True, "skipped"  # gtest_discover_tests makes "[  SKIPPED ]" a ctest skip
        elif status in ("notrun", "disabled") or skipped is not None:
            # Not run: ctest stopped early (--stop-on-failure) or the test could not start.
            passed, why = False, "not run"
        elif failure is not None or status == "fail":
            passed = False
            why = (failure.get("message") if failure is not None else "") or "Failed"
        else:
            passed, why = True, ""
        found.append(TestResult(test_name(case.get("name", "")), passed, float(case.get("time", 0) or 0),
                                output, why))
    return found


def first_lines(output: str, limit: int = 12) -> list[str]:
    """The lines of a failing test's output worth reading first: gtest's failure messages and
    the task that is not done, else the output's tail."""
    lines = [line.rstrip() for line in output.splitlines()]
    wanted = [line for line in lines
              if "Failure" in line or "not done yet" in line or "error" in line.lower() or "Expected" in line
              or "Which is" in line or "Value of" in line or "Actual" in line or "timed out" in line.lower()
              or "Sanitizer" in line]
    chosen = wanted or [line for line in lines if line and not line.startswith("[")][-limit:]
    return chosen[:limit]
