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


def test_held_out_accuracy_is_shown_with_and_without_the_shortcut_for_every_set() -> None:
    quality = {"service_top1": 100.0, "intent_accuracy": 98.2, "materials_complete": 90.9}
    edges = {"out_of_scope_precision": 100.0, "out_of_scope_recall": 97.8, "service_top1": 100.0, "intent_accuracy": 97.0, "typo_service": 100.0, "faq_answered": 97.1}
    latency = {"questions": 112, "load": 0.4, "p50_ms": 20.0, "p95_ms": 30.0, "cpu_p50_ms": 19.0, "cpu_p95_ms": 29.0, "e5_p50_ms": 18.0, "e5_p95_ms": 27.0,
               "e5_cpu_p50_ms": 17.0, "e5_cpu_p95_ms": 26.0, "without_e5_p50_ms": 1.2, "without_e5_p95_ms": 2.0, "skipped_share": 0.25,
               "extra-questions:with_shortcut": quality, "extra-questions:without_shortcut": {**quality, "intent_accuracy": 96.5},
               "edges:with_shortcut": edges, "edges:without_shortcut": {**edges, "faq_answered": 94.3}}  # fmt: skip
    text = table({"machine": "2 CPU", "load": 0.4, "latency": latency})
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert "100.0/98.2/90.9 (without shortcut 100.0/96.5/90.9)" in rows["extra-questions service/intent/materials %"]
    assert "100.0/97.8/100.0/97.0/100.0/97.1 (without shortcut 100.0/97.8/100.0/97.0/100.0/94.3)" in rows["out-of-scope P/R, its in-scope service/intent, typo, FAQ %"]
    assert "25%" in rows["questions answered without e5"]
