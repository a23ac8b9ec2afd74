"""Checks the Grafana dashboards and the alert rules beyond their schemas (run by infra/validate.sh).

- every dashboard uid and panel id is unique, and no two panels overlap on the 24-column grid;
- every dashboard query is valid PromQL: the expressions (Grafana's $__ macros replaced by a fixed range)
  are written to a temporary rules file and checked with `promtool check rules`;
- every metric a dashboard or an alert uses is listed in infra/monitoring/METRICS.md, the naming contract
  shared with the code that emits the metrics.

Usage: python check_monitoring.py <promtool> <monitoring directory>
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

GRAFANA_MACROS = re.compile(r"\$__(rate_interval|interval|range)")
PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
    "offset", "inf", "nan", "le",
}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def metric_names(expression: str) -> set[str]:
    """The metric names in a PromQL expression (good enough for the expressions we write)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expression)  # string literals
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # range selectors
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        name = match.group(0)
        following = text[match.end():].lstrip()
        if following.startswith("(") or name.lower() in PROMQL_KEYWORDS:
            continue
        if re.fullmatch(r"\d+[smhdwy]", name):
            continue
        names.add(name)
    return names


def base_name(name: str, known: set[str]) -> str:
    if name in known:
        return name
    for suffix in HISTOGRAM_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in known:
            return name[: -len(suffix)]
    return name


def documented_metrics(metrics_markdown: Path) -> set[str]:
    text = metrics_markdown.read_text()
    block = text.split("<!-- metrics:begin -->", 1)[1].split("<!-- metrics:end -->", 1)[0]
    return {line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")}


def overlaps(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def check_dashboards(directory: Path, problems: list[str]) -> list[tuple[str, str]]:
    expressions: list[tuple[str, str]] = []
    uids: dict[str, str] = {}
    for path in sorted(directory.glob("*.json")):
        dashboard = json.loads(path.read_text())
        uid = dashboard["uid"]
        if uid in uids:
            problems.append(f"{path.name}: uid {uid} also used by {uids[uid]}")
        uids[uid] = path.name
        if path.stem != uid:
            problems.append(f"{path.name}: file name should be the uid ({uid}.json)")
        panels = dashboard["panels"]
        ids = [panel["id"] for panel in panels]
        if len(ids) != len(set(ids)):
            problems.append(f"{path.name}: duplicate panel ids")
        for index, panel in enumerate(panels):
            grid = panel["gridPos"]
            if grid["x"] + grid["w"] > 24:
                problems.append(f"{path.name}: panel {panel['title']!r} is wider than the grid")
            for other in panels[index + 1:]:
                if overlaps(grid, other["gridPos"]):
                    problems.append(f"{path.name}: panels {panel['title']!r} and {other['title']!r} overlap")
            for target in panel["targets"]:
                expressions.append((f"{path.name} / {panel['title']} / {target['refId']}", target["expr"]))
    if not uids:
        problems.append(f"no dashboards in {directory}")
    return expressions


def check_promql(promtool: str, expressions: list[tuple[str, str]], problems: list[str]) -> None:
    rules = {"groups": [{"name": "dashboard-queries", "rules": [
        {"record": f"dashboard:query:{index}", "expr": GRAFANA_MACROS.sub("5m", expression)}
        for index, (_, expression) in enumerate(expressions)
    ]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        json.dump(rules, handle)  # JSON is YAML
    result = subprocess.run([promtool, "check", "rules", handle.name], capture_output=True, text=True)
    Path(handle.name).unlink()
    if result.returncode != 0:
        problems.append("dashboard PromQL does not parse:\n" + result.stdout + result.stderr)


def main() -> int:
    promtool, monitoring = sys.argv[1], Path(sys.argv[2])
    problems: list[str] = []
    expressions = check_dashboards(monitoring / "grafana" / "dashboards", problems)
    check_promql(promtool, expressions, problems)

    alerts = yaml.safe_load((monitoring / "alerts.yml").read_text())
    for group in alerts["groups"]:
        for rule in group["rules"]:
            expressions.append((f"alerts.yml / {rule.get('alert') or rule.get('record')}", rule["expr"]))

    known = documented_metrics(monitoring / "METRICS.md")
    for where, expression in expressions:
        for name in sorted(metric_names(expression)):
            if base_name(name, known) not in known:
                problems.append(f"{where}: metric {name} is not in METRICS.md")

    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    print(f"  {len(expressions)} queries checked against {len(known)} documented metrics")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
