"""The peak scenario's printout: throughput and latency per phase, what became of honest and
attack votes, the faults, the consistency checks, and whether the targets are met."""

from __future__ import annotations

import os

from bench.peak_http import Timings

ATTACK_ROLES = ("flood", "botnet", "xff", "disposable", "variants")
TARGET_ATTACK_COUNTED = 0.01
ACCEPTED = {"form vote": 303, "api vote": 202, "confirm": 200}


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of the values, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)] * 1000


def print_phases(timings: Timings, spans: dict[str, float]) -> None:
    """Per phase: accepted votes and confirmations per second, latencies per kind of request."""
    for phase, seconds in spans.items():
        accepted = {
            kind: timings.statuses[phase, kind].get(status, 0) for kind, status in ACCEPTED.items()
        }
        votes = accepted["form vote"] + accepted["api vote"]
        print(
            f"{phase:7} {seconds:5.0f} s: {votes / seconds:6.1f} votes/s accepted,"
            f" {accepted['confirm'] / seconds:6.1f} confirmations/s"
        )
        for (p, kind), latencies in sorted(timings.latencies.items()):
            if p != phase:
                continue
            answers = dict(sorted(timings.statuses[p, kind].items()))
            p50, p95, p99 = (percentile(latencies, q) for q in (0.5, 0.95, 0.99))
            print(
                f"   {kind:9} {len(latencies):6}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
                f"  p99 {p99:7.1f} ms  answers {answers}"
            )


def phase_spans(result: dict) -> dict[str, float]:
    """Seconds each phase lasted: until the first fault, the faults, after them."""
    moments = [float(line.split()[0]) for line in result["faults"] if "started again" not in line]
    if not moments:
        return {"peak": result["elapsed"]}
    first, last = min(moments), max(moments)
    return {"peak": first, "faults": max(last - first, 1.0), "after": result["elapsed"] - last}


def print_outcomes(result: dict, outcomes) -> tuple[bool, bool, float]:
    """Counted, held and refused per role; whether honest voters and the class got through,
    and the share of attack votes counted."""
    status_of = result["status_of"]
    table = {}
    for role, attempts in result["attempts"].items():
        counts, reasons = outcomes(attempts, status_of)
        table[role] = counts
        print(
            f"{role:10} {sum(counts.values()):6} votes: {counts['counted']:6} counted,"
            f" {counts['held']:5} held, {counts['refused']:5} refused"
            + (f"  held for {dict(reasons.most_common())}" if reasons else "")
        )
    honest_ok = table["honest"]["counted"] == sum(table["honest"].values())
    class_ok = table["class"]["refused"] == 0
    attack = sum((table[role] for role in ATTACK_ROLES), start=type(table["honest"])())
    share = attack["counted"] / max(sum(attack.values()), 1)
    print(
        f"attack     {sum(attack.values()):6} votes: {attack['counted']} counted ({share:.2%}),"
        f" {attack['held']} held, {attack['refused']} refused"
    )
    return honest_ok, class_ok, share


def report(result: dict, outcomes) -> bool:
    """Print everything; True when every check passes and every target is met."""
    print(f"machine: {os.cpu_count()} cores (shared); load {os.getloadavg()[0]:.1f}")
    print("faults:")
    for line in result["faults"]:
        print(f"  {line}")
    print_phases(result["timings"], phase_spans(result))
    honest_ok, class_ok, share = print_outcomes(result, outcomes)
    for kind, answers in result["links"].items():
        print(f"{kind} links: answers {answers}")
    print(f"the bus settled {result['settle_s']:.0f} s after the crowd was done")
    passed = True
    for name, ok, detail in result["checks"]:
        print(f"{'PASS' if ok else 'FAIL'}  {name} ({detail})")
        passed &= ok
    targets = {
        "every honest vote counted": honest_ok,
        "the school class counted or held": class_ok,
        f"under {TARGET_ATTACK_COUNTED:.0%} of attack votes counted": share < TARGET_ATTACK_COUNTED,
    }
    for name, ok in targets.items():
        print(f"{'MET ' if ok else 'MISS'}  {name}")
    return passed and all(targets.values())
