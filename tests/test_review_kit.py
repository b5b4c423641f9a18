"""The review kit in the repository: the workflow GitHub runs on a pull request, the template,
the owners and the pre-commit hook, all valid and runnable here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
PUFA = [sys.executable, "-c", "import sys; from pufa.cli import main; sys.argv = ['pufa'] + sys.argv[1:]; main()"]


def workflow() -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / "review.yml").read_text(encoding="utf-8"))


def test_the_workflow_runs_review_on_pull_requests_and_publishes_from_main():
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    review = flow["jobs"]["review"]["steps"]
    runs = [step.get("run", "") for step in review]
    assert any("pufa check --changed-since origin/${{ github.base_ref }} --format github" in run for run in runs)
    assert any("make site" in run and "PUFA_TODAY=" in run for run in runs)
    assert any(run.strip() == "bash .ci/run" for run in runs)
    assert any(step.get("uses", "").startswith("actions/upload-artifact@") for step in review)
    assert any("发布" in step.get("name", "") for step in flow["jobs"]["publish"]["steps"])


def test_every_make_target_and_file_the_workflow_names_exists():
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            for target in re.findall(r"\bmake (\S+)", step.get("run", "")):
                result = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True, text=True)
                assert result.returncode == 0, (target, result.stderr)
    assert (REPO / ".ci" / "run").is_file()


def test_the_workflows_check_runs_here(tmp_path: Path):
    """The pull-request check, with the base branch replaced by this repository's HEAD."""
    env = {**os.environ, "PUFA_TODAY": "2026-11-27"}
    result = subprocess.run([*PUFA, "check", "--changed-since", "HEAD", "--format", "github", "--root", str(REPO)],
                            cwd=REPO, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not any(line.startswith("::error") for line in result.stdout.splitlines())


def test_owners_name_paths_that_exist_and_the_template_has_the_checklist():
    for line in (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, *owners = line.split()
            assert (REPO / path.strip("/")).exists(), path
            assert owners and all(owner.startswith("@") for owner in owners)
    template = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    for item in ("现行有效", "个人信息", "匿名", "起算点", "32 字", "120 字"):
        assert item in template


def test_the_pre_commit_hook_checks_staged_files_fast():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert hook["entry"] == ".venv/bin/pufa check" and hook["pass_filenames"] is True
    assert re.match(hook["files"], "articles/ketang/2023/jiabanfei-zenme-suan.md")
    env = {**os.environ, "PUFA_TODAY": "2026-11-27"}
    start = time.perf_counter()
    result = subprocess.run([*PUFA, "check", "articles/ketang/2023/jiabanfei-zenme-suan.md"], cwd=REPO,
                            capture_output=True, text=True, env=env, timeout=120)
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"pre-commit check of one article: {elapsed:.2f} s")  # measured in make bench terms, not asserted
