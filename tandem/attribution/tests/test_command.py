"""`tandem attribution` on files, as an analyst runs it."""

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command


def run(*args):
    out = io.StringIO()
    call_command("attribution", *args, stdout=out, stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def write(tmp_path, name, text):
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    return str(file)


def test_a_paths_file_with_every_model(tmp_path):
    paths = write(
        tmp_path,
        "paths.csv",
        "path,total_conversions,total_conversion_value,total_null\n"
        " email >search > event ,3,300,10\nsearch,5,250,40\n\nsocial > search,2,90,15\n",
    )
    rows = run("--paths", paths, "--model", "all", "--order", "2")
    models = {r["model"] for r in rows}
    assert {"linear", "markov_2", "shapley", "w_shaped"} <= models
    for model in models:
        assert sum(float(r["conversions"]) for r in rows if r["model"] == model) == pytest.approx(
            10
        )
    linear = {r["channel"]: float(r["value"]) for r in rows if r["model"] == "linear"}
    assert linear["event"] == pytest.approx(100)  # a third of 300; spaces ignored


def test_a_touchpoints_file_and_an_output_file(tmp_path):
    touches = write(
        tmp_path,
        "touches.csv",
        "journey_id,ts,channel,converted,value\n"
        "j1,2026-11-02T10:00:00Z,search,false,0\nj1,2026-11-01T09:00:00Z,email,false,0\n"
        'j1,2026-11-03T09:00:00Z,=HYPERLINK("x"),true,120\nj2,5,email,no,0\n',
    )
    target = tmp_path / "out.csv"
    call_command(
        "attribution",
        "--touchpoints",
        touches,
        "--model",
        "first_touch",
        "--model",
        "last_touch",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    first = {r["channel"]: float(r["value"]) for r in rows if r["model"] == "first_touch"}
    last = {r["channel"]: float(r["value"]) for r in rows if r["model"] == "last_touch"}
    assert first["email"] == 120 and last['\'=HYPERLINK("x")'] == 120  # defused formula


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("p.csv", "route,total_conversions\na,1\n", "missing column"),
        ("p.csv", "path,total_conversions\na,1\nb,lots\n", "row 3, total_conversions"),
        ("p.csv", "path,total_conversions\na > > b,1\n", "row 2: the path"),
        ("p.csv", "path,total_conversions\n\n,\na > > b,1\n", "row 4: the path"),
        ("p.csv", "path,total_conversions\na,-1\n", "row 2: total_conversions is negative"),
        ("p.csv", "path,total_conversions\n", "no paths"),
        ("p.xlsx", "whatever", "give a CSV file"),
    ],
)
def test_bad_path_files_are_refused_with_the_row(tmp_path, name, text, message):
    with pytest.raises(CommandError, match=message):
        run("--paths", write(tmp_path, name, text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("journey_id,ts,channel,converted\n", "missing column"),
        ("journey_id,ts,channel,converted,value\nj,yesterday,a,true,1\n", "row 2, ts"),
        ("journey_id,ts,channel,converted,value\nj,1,a,maybe,1\n", "row 2, converted"),
        ("journey_id,ts,channel,converted,value\nj,1,a,true,NaN\n", "row 2, value"),
        ("journey_id,ts,channel,converted,value\nj,1,,true,1\n", "row 2, channel"),
    ],
)
def test_bad_touchpoint_files_are_refused_with_the_row(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        run("--touchpoints", write(tmp_path, "t.csv", text))


def test_an_unknown_model_is_named(tmp_path):
    paths = write(tmp_path, "p.csv", "path,total_conversions\na,1\n")
    with pytest.raises(CommandError, match="No model 'magic'"):
        run("--paths", paths, "--model", "magic")


def test_a_parquet_file_with_lookback_grouping_and_direct_excluded(tmp_path):
    import polars as pl

    day = 86_400
    pl.DataFrame(
        {
            "journey_id": [7, 7, 7, 7, 8],
            "ts": [0, 20 * day, 25 * day, 30 * day, 0],
            "channel": ["email", "google", "direct", "bing", "direct"],
            "converted": [False, False, False, True, True],
            "value": [0.0, 0.0, 0.0, 40.0, 5.0],
            "campaign": ["x", "y", "z", "w", "v"],  # other columns are ignored
        }
    ).write_parquet(tmp_path / "t.parquet")
    rows = run(
        "--touchpoints", str(tmp_path / "t.parquet"), "--model", "linear",
        "--lookback-days", "15", "--group", "google=search", "--group", "bing = search",
        "--exclude", "direct",
    )  # fmt: skip
    got = {r["channel"]: (float(r["conversions"]), float(r["value"])) for r in rows}
    # Email fell outside the 15 days; direct counts only where it was alone.
    assert got == {"direct": (1.0, 5.0), "search": (1.0, 40.0)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--group", "google"), "CHANNEL=GROUP"),
        (("--lookback-days", "-1"), "more than zero days"),
        (("--half-life", "0"), "half-life"),
    ],
)
def test_bad_options_are_named(tmp_path, args, message):
    touches = write(tmp_path, "t.csv", "journey_id,ts,channel,converted,value\nj,1,a,true,1\n")
    with pytest.raises(CommandError, match=message):
        run("--touchpoints", touches, *args)


def test_a_file_that_is_not_parquet(tmp_path):
    with pytest.raises(CommandError, match="not a readable Parquet file"):
        run("--touchpoints", write(tmp_path, "t.parquet", "journey_id,ts\n"))
    paths = write(tmp_path, "p.csv", "path,total_conversions\na,1\n")
    with pytest.raises(CommandError, match="need --touchpoints"):
        run("--paths", paths, "--exclude", "direct")


def _console(*args):
    """``tandem attribution ...`` as the console script runs it, in a process of its own:
    its output, its exit code and whether it loaded Django."""
    import os
    import subprocess
    import sys

    script = (
        "import sys\nfrom tandem import cli\nsys.argv = ['tandem', *sys.argv[1:]]\n"
        "try:\n    cli.main()\nexcept SystemExit as exit:\n"
        "    print('exit', exit.code, 'django' in sys.modules, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script, "attribution", *args],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    return done.stdout, done.stderr


def test_the_console_command_needs_no_django(tmp_path):
    touches = write(
        tmp_path,
        "t.csv",
        "journey_id,ts,channel,converted,value\nj1,1,email,no,0\nj1,2,search,yes,50\n",
    )
    out, err = _console("--touchpoints", touches, "--model", "linear")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["channel"]: float(r["value"]) for r in rows} == {"email": 25.0, "search": 25.0}
    assert err.strip().endswith("exit 0 False")  # done, and Django never loaded
    out, err = _console("--touchpoints", touches, "--model", "magic")
    assert "No model 'magic'" in err and err.strip().endswith("exit 1 False")


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"channel": ["email", "  "]}, "row 2, channel: empty"),
        ({"channel": ["email", None]}, "row 2, channel: empty"),
        ({"value": [1.0, -5.0]}, "row 2, value"),
        ({"ts": [1.0, float("inf")]}, "row 2, ts"),
        ({"journey_id": None}, "missing column(s) journey_id"),
    ],
)
def test_bad_parquet_files_are_refused_with_the_row(tmp_path, columns, message):
    """A Parquet file takes the categorical path (channels checked once per distinct
    value): bad cells still name their row."""
    import polars as pl

    data = {
        "journey_id": [1, 1],
        "ts": [1.0, 2.0],
        "channel": ["email", "search"],
        "converted": [False, True],
        "value": [0.0, 10.0],
    }
    data.update(columns)
    pl.DataFrame({k: v for k, v in data.items() if v is not None}).write_parquet(
        tmp_path / "t.parquet"
    )
    with pytest.raises(CommandError, match=re.escape(message)):
        run("--touchpoints", str(tmp_path / "t.parquet"))
