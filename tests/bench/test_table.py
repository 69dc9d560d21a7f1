"""The benchmark's tables: the README block is replaced, not appended; sizes follow --staff."""

import json

from bench import table
from bench.seeding import Sizes


def test_the_readme_block_is_rewritten_in_place(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{table.START}\nold figures\n{table.END}\n\n## Next section\n")
    table.into_readme("new figures\n", readme)
    table.into_readme("newer figures\n", readme)
    text = readme.read_text()
    assert "newer figures" in text
    assert "old figures" not in text and "new figures\n" not in text.replace("newer figures\n", "")
    assert text.endswith("## Next section\n")


def test_the_readme_shows_only_the_pages_over_a_target():
    pages = [
        {
            "role": "hr",
            "path": "/staff/",
            "pattern": "/staff/",
            "status": 200,
            "queries": 11,
            "p50_ms": 40,
            "p95_ms": 60,
        },
        {"role": "hr", "path": "/", "pattern": "/", "status": 200, "queries": 31, "p50_ms": 50, "p95_ms": 70},
        {"role": "hr", "path": "/r/", "pattern": "/r/", "status": 200, "queries": 9, "p50_ms": 300, "p95_ms": 420},
    ]
    compact = table.render({"pages": pages}, compact=True)
    assert "| hr | / | 31 | 50 | 70 |" in compact
    assert "| hr | /r/ | 9 | 300 | 420 |" in compact
    assert "/staff/" not in compact
    assert "/staff/" in table.render({"pages": pages})


def test_sizes_not_given_follow_the_staff_asked_for():
    tenth = Sizes().scaled(0.1)
    assert (tenth.staff, tenth.training, tenth.applications, tenth.institutions) == (3000, 100_000, 9400, 12)
    assert Sizes().scaled(200 / 30_000).institutions == 2


def test_merging_keeps_when_each_part_ran_even_from_a_file_already_merged(tmp_path):
    from bench import runner

    full = tmp_path / "full.json"
    full.write_text(json.dumps({"ran_at": "10:00", "pages": [], "jobs": [], "load": {}}))
    figures = tmp_path / "figures.json"
    figures.write_text(json.dumps({"ran_at": "10:30", "measures": []}))
    first = tmp_path / "first.json"
    first.write_text(json.dumps({**runner.merge([full, figures]), "ran_at": "11:00"}))  # written when merged
    load = tmp_path / "load.json"
    load.write_text(json.dumps({"ran_at": "12:00", "load": {"mix": None}}))
    merged = runner.merge([first, load])
    assert merged["parts_ran_at"] == {"pages": "10:00", "jobs": "10:00", "measures": "10:30", "load": "12:00"}
