"""What the browser tests ask of axe-core: WCAG 2.1 A and AA, and how a failure is told."""

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
#: 320 CSS pixels wide: 1280 px at 400 % zoom (WCAG 1.4.10 Reflow).
NARROW = {"width": 320, "height": 640}


def describe(violations: list[dict]) -> str:
    """axe's violations as lines a person can act on: rule, impact, what to fix, and where."""
    lines = [f"{len(violations)} WCAG 2.1 A/AA violation(s) found by axe-core:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(selector) for selector in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)
