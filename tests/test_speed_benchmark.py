"""benchmarks/speed.py's table: our figures beside the same run's Rasa figures, with the ratios."""

from benchmarks.speed import ratio, table


def result(rasa: dict | None) -> dict:
    return {
        "machine": "2 CPU",
        "load": 0.4,
        "serve": {"ready_s": 1.5, "ready_cpu_s": 1.4, "load": 0.5, "rss_after_mb": 250.0, "peak_rss_mb": 260.0},
        "retrain": {"retrain_s": 6.0, "retrain_cpu_s": 5.5, "retrain_load": 0.6, "retrain_keyword_s": 8.0, "retrain_keyword_cpu_s": 7.0},
        "rasa": rasa,
    }


def test_ratios_say_how_many_times_rasas_figure_is_ours() -> None:
    assert ratio(1.5, 60.0) == "40x"
    assert ratio(0.0, 60.0) == ""


def test_the_table_puts_rasas_ready_memory_and_training_beside_ours() -> None:
    text = table(result({"ready_s": 60.0, "rss_mb": 1100.0, "p50_ms": 30.0, "p95_ms": 50.0, "train_s": 300.0, "train_cpu_s": 420.0}))
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert "60 s (40x)" in rows["`assistant serve` ready"]
    assert "1100 MB (4x)" in rows["RSS after 1,000 answers"]
    assert "300 s (CPU 420 s; `rasa train`, 50x)" in rows["retrain after a name change"]


def test_without_rasa_its_column_is_empty() -> None:
    text = table(result(None))
    assert "— |" in next(line for line in text.splitlines() if line.startswith("| `assistant serve` ready"))
