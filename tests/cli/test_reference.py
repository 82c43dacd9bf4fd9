"""docs/cli.md is the commands' own help, regenerated; this test fails when they drift apart."""

from pathlib import Path

from clusterworks.cli.reference import cli_reference_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current():
    expected = cli_reference_markdown()
    assert DOC.exists(), "run: uv run python -m clusterworks.cli.reference > docs/cli.md"
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is stale; run: uv run python -m clusterworks.cli.reference > docs/cli.md"
    )
    assert "## `clusterworks demo`" in expected and "--no-serve" in expected
