"""The understanding pipeline as one object: text -> language, intent, ranked services, confidence."""

from __future__ import annotations

import json
import random
import re
import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.kb.source import Knowledge
from assistant.understanding.aspects import aspects, clauses
from assistant.understanding.calibration import FEATURES, Calibrator, features
from assistant.understanding.e5 import E5, is_bundled, open_encoder, save_bundled
from assistant.understanding.faq import FaqIndex, FaqMatch
from assistant.understanding.intent import IntentModel, IntentPrediction
from assistant.understanding.names import Lexicon
from assistant.understanding.nlu_data import SERVICE_INTENTS, SERVICE_MARK, Example, named_in_part, read_nlu
from assistant.understanding.rasa_nlu import RasaNLU, service_hint
from assistant.understanding.retriever import Hit, Retriever, guide_passages
from assistant.understanding.shortcut import CHAT_INTENTS, Shortcut, choose_chat_limit, choose_limits, fold_of, out_of_fold
from assistant.understanding.text import normalize
from assistant.understanding.vectors import Progress, VectorStore, raw_vectors

LEXICAL = ("word", "char", "name")  # the channels that need no model call
NO_VECTOR = np.zeros(0, dtype=np.float32)
# the logistic fits' inverse regularisation: the lexical model (n-grams only) is held out less tightly, so
# its confidence separates what it knows from what it does not (out of fold, more of the questions it gets
# right pass the shortcut's limit at the same agreement)
FULL_C, LEXICAL_C = 8.0, 32.0
PARTS = 800  # validation questions with the service named in part
ANSWERS = 0.5  # the calibrated confidence at which the dialogue answers with a guide (its HIGH)
PIECE = 3  # the shortest run of a name masked for the lexical intent model (二字 runs are 申请, 办理: what is asked)


@dataclass
class Understood:
    text: str
    intent: IntentPrediction
    hits: list[Hit]
    confidence: float
    events: dict[str, int] = field(default_factory=dict)
    mentioned: dict[str, int] = field(default_factory=dict)
    vector: np.ndarray | None = None  # the query embedding (reused by the FAQ search)
    aspects: list[str] = field(default_factory=list)  # several service intents asked in one message

    @property
    def service(self) -> str | None:
        return self.hits[0].guide_id if self.hits else None


class Understanding:
    remote: RasaNLU | None = None  # when set, intents come from a Rasa server (embedded model as fallback)

    def __init__(self, kb: Knowledge, retriever: Retriever, intents: IntentModel, calibrator: Calibrator, shortcut: Shortcut | None = None) -> None:
        self.kb, self.retriever, self.intents, self.calibrator, self.shortcut = kb, retriever, intents, calibrator, shortcut
        self.faq = FaqIndex(kb, retriever.encoder, retriever.lexicon, retriever.vector_store, retriever.queries, cache_dir=retriever.cache_dir)
        self._faq_intents: dict[str, set[str]] = {}

    @classmethod
    def load(cls, kb: Knowledge, model_dir: Path, *, cache_dir: Path | None = None, progress: Progress | None = None,
             previous: "Understanding | None" = None) -> "Understanding":  # fmt: skip
        """The models in ``model_dir`` over ``kb``; what ``previous`` built that still holds (see Retriever) is reused."""
        if not (model_dir / "intent" / "params.json").exists():
            raise FileNotFoundError(f"no trained models in {model_dir}: run `assistant train`")
        # training always saves the encoder; without it, e5 would silently serve with an untrained adapter
        if not (model_dir / "encoder" / "modules.json").exists():
            raise FileNotFoundError(f"the trained encoder is missing from {model_dir / 'encoder'}: run `assistant train`")
        encoder = open_encoder(model_dir / "encoder")
        retriever = Retriever(kb, encoder, cache_dir=cache_dir, progress=progress, previous=previous.retriever if previous is not None else None)
        intents, calibrator = IntentModel.load(model_dir / "intent"), Calibrator.load(model_dir / "calibration.json")
        return cls(kb, retriever, intents, calibrator, Shortcut.load(model_dir))

    def updated(self, kb: Knowledge, *, cache_dir: Path | None = None, progress: Progress | None = None) -> "Understanding":
        """The same models over a changed knowledge base: only the changed guides are indexed again.
        This one is left as it is (it keeps answering until the new one is swapped in)."""
        retriever = Retriever(kb, self.retriever.encoder, cache_dir=cache_dir, progress=progress, previous=self.retriever)
        return type(self)(kb, retriever, self.intents, self.calibrator, self.shortcut)

    def _mark(self, text: str, hits: list[Hit]) -> str:
        """The question with its service replaced by the placeholder the intent model was trained with."""
        lexicon = self.retriever.lexicon
        marked = lexicon.mark_service(text)
        if marked == text and hits:
            marked = lexicon.mark_near_name(text, hits[0].guide_id)
        elif hits:  # the rest of a name said in pieces (去香港的通行证): its words belong to the service too
            marked = lexicon.mark_near_name(marked, hits[0].guide_id, min_len=3)
        return marked

    def _mark_lexically(self, text: str, hits: list[Hit]) -> str:
        """``_mark`` for the intent model without the embedding, which cannot read the rest of a service
        said in pieces (驾驶证 … 换证 for 机动车驾驶证有效期满换证) as the service: every run of PIECE or
        more characters shared with the retrieved guide's names is masked as well."""
        marked = self._mark(text, hits)
        if not hits:
            return marked
        lexicon = self.retriever.lexicon
        while (more := lexicon.mark_near_name(marked, hits[0].guide_id, min_len=PIECE)) != marked:
            marked = more
        return re.sub(f"{SERVICE_MARK}+", SERVICE_MARK, marked)

    def _decide_lexically(self, norm: str, lexical: dict[str, np.ndarray]) -> tuple[list[Hit], float, IntentPrediction] | None:
        """Hits, confidence and intent from the lexical channels alone, when they are sure enough."""
        shortcut = self.shortcut
        if shortcut is None or self.retriever.encoder is None:
            return None
        hits = self.retriever.fuse(lexical, k=5, channels=LEXICAL)
        confidence = shortcut.calibrator.confidence(hits)
        intent = shortcut.intents.predict(self._mark_lexically(norm, hits), NO_VECTOR)
        if self.remote is not None:  # with Rasa, the local intent is only its fallback
            return (hits, confidence, intent) if shortcut.takes(confidence, intent, fallback=True) else None
        if shortcut.chats(intent) and not self.retriever.lexicon.mentioned_services(norm):
            return [], 0.0, intent  # a greeting or a request for a person, no service in it: nothing to find
        return (hits, confidence, intent) if shortcut.takes(confidence, intent) else None

    def faq_matches(self, text: str, *, guide_id: str | None = None, hall: bool = True, vector: np.ndarray | None = None, min_overlap: float = 0.0) -> list[FaqMatch]:
        return self.faq.search(text, guide_id=guide_id, hall=hall, query_vec=vector, min_overlap=min_overlap)

    def faq_intents(self, match: FaqMatch) -> set[str]:
        """What the FAQ's own question asks (materials, fee ...; each of its clauses), by the same intent
        model; cached."""
        key = match.entry.id
        if key not in self._faq_intents:
            parts = [match.entry.q, *clauses(match.entry.q)]
            self._faq_intents[key] = {self.understand(p).intent.intent for p in dict.fromkeys(parts)}
        return self._faq_intents[key]

    def understand(self, text: str) -> Understood:
        norm = self.retriever.lexicon.respell(normalize(text))
        lexical = self.retriever.lexical_scores(norm)
        decided = self._decide_lexically(norm, lexical)
        local: IntentPrediction | None = None
        vec: np.ndarray | None = None
        if decided is not None:
            hits, confidence, local = decided
        else:
            vec = self.retriever.embed_query(norm)
            hits = self.retriever.fuse(self.retriever.with_semantic(lexical, vec), k=5)
            confidence = self.calibrator.confidence(hits)
            vector = vec if vec is not None else self._no_vector()
        mentioned = self.retriever.lexicon.mentioned_services(norm)
        intent = self.remote.parse(text) if self.remote is not None else None
        if intent is not None:
            mentioned = service_hint(intent, hits[0].guide_id if hits else None, mentioned)
        if intent is None and local is None:
            local = self.intents.predict(self._mark(norm, hits), vector)
        return Understood(
            text=norm,
            intent=intent or local,  # type: ignore[arg-type]
            hits=hits,
            confidence=confidence,
            events=self.retriever.lexicon.mentioned_events(norm),
            mentioned=mentioned,
            vector=vec,
            aspects=aspects(norm, lambda part: self._clause_intent(part, hits, lexically=decided is not None)) if intent is None else [],
        )

    def _clause_intent(self, clause: str, hits: list[Hit], *, lexically: bool = False) -> IntentPrediction:
        """A clause's intent; on the shortcut's path by the lexical intent model when it is sure (as for the
        whole question), else with the clause's embedding."""
        if lexically and self.shortcut is not None:
            local = self.shortcut.intents.predict(self._mark_lexically(clause, hits), NO_VECTOR)
            if local.confidence >= self.shortcut.intent:
                return local
        vec = self.retriever.embed_query(clause)
        return self.intents.predict(self._mark(clause, hits), vec if vec is not None else self._no_vector())

    def _no_vector(self) -> np.ndarray:
        return np.zeros(len(self.intents.coef[0]) - len(self.intents.vocab), dtype=np.float32)


@dataclass
class TrainReport:
    examples: int
    intents: dict[str, int]
    adapter_loss: list[float]
    seconds: float


def train_whole(kb: Knowledge, nlu_path: Path, model_dir: Path, *, base_encoder: Path | None = None, cache_dir: Path | None = None, log=print) -> TrainReport:  # type: ignore[no-untyped-def]
    """train() beside model_dir, then swapped in whole: an interrupted or failed training leaves the old
    models (or none), never a half-written folder that the next start would take for trained models."""
    staging = model_dir.with_name(model_dir.name + ".partial")
    replaced = model_dir.with_name(model_dir.name + ".replaced")
    shutil.rmtree(staging, ignore_errors=True)
    report = train(kb, nlu_path, staging, base_encoder=base_encoder, cache_dir=cache_dir or model_dir.parent / "cache", log=log)
    shutil.rmtree(replaced, ignore_errors=True)
    if model_dir.exists():
        model_dir.rename(replaced)
    staging.rename(model_dir)
    shutil.rmtree(replaced, ignore_errors=True)
    return report


def train(kb: Knowledge, nlu_path: Path, model_dir: Path, *, base_encoder: Path | None = None, cache_dir: Path | None = None, log=print) -> TrainReport:  # type: ignore[no-untyped-def]
    """Fine-tune the adapter, train the intent models and fit the confidence calibration. Every e5 vector
    comes from the content-keyed store (cache_dir, by default beside the model dir), so a retrain after a
    name change encodes only the new texts."""
    start = time.perf_counter()
    examples = read_nlu(nlu_path)
    if not examples:
        raise ValueError(f"{nlu_path}: no training examples")
    if base_encoder is not None and not (base_encoder / "modules.json").exists():
        raise FileNotFoundError(f"{base_encoder} is not a sentence-transformers model directory (no modules.json)")
    encoder = open_encoder(base_encoder)
    cache = cache_dir or model_dir.parent / "cache"
    store = VectorStore(cache / "vectors.sqlite")
    texts = [normalize(e.text) for e in examples]
    passages = {gid: guide_passages(g, kb) for gid, g in kb.guides.items()}
    pairs = [(texts[i], normalize(kb.guides[e.service].name)) for i, e in enumerate(examples) if e.service in kb.guides]
    pairs += [(p, normalize(kb.guides[gid].name)) for gid, ps in passages.items() for p in ps]
    log(f"[1/3] e5 vectors of {len(texts)} questions and {sum(map(len, passages.values()))} passages (new texts only)")
    as_query = list(dict.fromkeys([*texts, *(q for q, _ in pairs)]))
    as_passage = list(dict.fromkeys([*(p for _, p in pairs), *(p for ps in passages.values() for p in ps)]))
    query_raw = dict(zip(as_query, raw_vectors(encoder, as_query, "query", store)))
    passage_raw = dict(zip(as_passage, raw_vectors(encoder, as_passage, "passage", store)))
    losses: list[float] = []
    (model_dir / "encoder").mkdir(parents=True, exist_ok=True)
    if isinstance(encoder, E5) and is_bundled(base_encoder):
        from assistant.understanding.adapter import train_adapter

        log(f"      fine-tuning the e5 adapter on {len(pairs)} (question, guide) pairs")
        q = np.stack([query_raw[a] for a, _ in pairs])
        p = np.stack([passage_raw[b] for _, b in pairs])
        weight, bias, losses = train_adapter(q, p, [b for _, b in pairs], encoder.weight, encoder.bias)
        encoder = E5(weight, bias, threads=encoder.threads, batch_size=encoder.batch_size)
        save_bundled(encoder, model_dir / "encoder")
    else:  # a configured sentence-transformers model is used as it is
        encoder.model.save(str(model_dir / "encoder"))  # type: ignore[attr-defined]

    log(f"[2/3] training the intent models on {len(examples)} examples")
    vectors = encoder.finish(np.stack([query_raw[t] for t in texts]))
    # an example without a marked service (negatives) is masked as a question is at inference, so a
    # gap's name holding a service word (台湾通行证) is learned as the model will see it
    lexicon = Lexicon.from_knowledge(kb, cache)
    residuals = [normalize(e.residual) if e.span else lexicon.mark_service(t) for e, t in zip(examples, texts)]
    labels = [e.intent for e in examples]
    no_vectors = lambda n: np.zeros((n, 0), dtype=np.float32)  # noqa: E731
    with ThreadPoolExecutor(2) as pool:  # independent fits; the solver's numpy work runs in parallel
        full_job = pool.submit(cached_intent_model, residuals, labels, vectors, cache, role="full")
        lexical_job = pool.submit(cached_intent_model, residuals, labels, no_vectors(len(texts)), cache, role="lexical", c=LEXICAL_C)
        # the shortcut's validation models (one per fold, fitted in turn), kept by content like the others
        fold = iter(range(1_000))
        folds_job = pool.submit(out_of_fold, residuals, labels, lambda t, y: cached_intent_model(t, y, no_vectors(len(t)), cache, role=f"fold-{next(fold)}", c=LEXICAL_C))
        intents, lexical_intents, fold_intents = full_job.result(), lexical_job.result(), folds_job.result()
    intents.save(model_dir / "intent")
    lexical_intents.save(model_dir / "intent-lexical")

    log("[3/3] fitting the confidence calibration")
    retriever = Retriever(kb, encoder, cache_dir=cache)
    understanding = Understanding(kb, retriever, intents, Calibrator([0.0] * len(FEATURES), 0.0))
    rows, lexical_rows, labels_ok, lexical_ok, full_hits = [], [], [], [], []
    # questions whose service is known (or none at all); texts and vectors are already computed above
    # the catalogue's gaps (out_of_hall) are left out: they are asked like services and do hit a
    # neighbour guide; telling them apart is the intent model's work, and as negatives here they only
    # made every confident answer less confident
    usable = [i for i, e in enumerate(examples) if (e.service is None and e.intent != "out_of_hall") or e.service in kb.guides]
    random.Random(3).shuffle(usable)
    usable = usable[:3000]
    # the shortcut's limits are validated on the gaps too: a gap asked like a service must not be
    # answered as the neighbour guide without the full pipeline
    gaps = [i for i, e in enumerate(examples) if e.intent == "out_of_hall"]
    random.Random(4).shuffle(gaps)
    # and on the same questions with the service named in part (see nlu_data.named_in_part): their
    # e5 vectors are kept by content like the others', so a retrain encodes only new ones
    from assistant.understanding.keywords import make_tokenizer

    name_cut = make_tokenizer(set(), [g.name for g in kb.guides.values()], cache)  # jieba's words, not our names
    parts = named_in_part([examples[i] for i in usable], kb, lambda name: list(name_cut.cut(name)), limit=PARTS)
    part_texts = [normalize(e.text) for e in parts]
    part_vectors = encoder.finish(raw_vectors(encoder, part_texts, "query", store)) if parts else np.zeros((0, encoder.dim), dtype=np.float32)
    validation = usable + gaps[:300]
    cases = [(texts[i], vectors[i], examples[i], residuals[i], "usable" if n < len(usable) else "gap") for n, i in enumerate(validation)]
    cases += [(t, v, e, normalize(e.residual), "part") for t, v, e in zip(part_texts, part_vectors, parts)]
    for text, vector, example, _, kind in cases:
        lexical = retriever.lexical_scores(text)
        hits = retriever.fuse(retriever.with_semantic(lexical, vector), k=5)
        lexical_hits = retriever.fuse(lexical, k=5, channels=LEXICAL)
        full_hits.append((hits, lexical_hits))
        if kind == "usable":
            rows.append(features(hits))
            labels_ok.append(int(bool(hits) and hits[0].guide_id == example.service))
    calibrator = Calibrator.fit(rows, labels_ok)
    calibrator.save(model_dir / "calibration.json")
    # the shortcut's service confidence says whether the full pipeline would answer with the lexical
    # channels' guide (its guide, and sure of it), fitted on questions about a service (named, in part,
    # or not at all: 要带什么); whether a question is about a service at all is the lexical intent
    # model's to say (the shortcut takes service intents only)
    for (_, _, example, _, kind), (hits, lexical_hits) in zip(cases, full_hits):
        if kind != "gap" and (example.service is not None or example.intent in SERVICE_INTENTS):
            lexical_rows.append(features(lexical_hits))
            lexical_ok.append(int(_same_service(calibrator, hits, lexical_hits)))
    lexical_calibrator = Calibrator.fit(lexical_rows, lexical_ok)
    lexical_calibrator.save(model_dir / "calibration-lexical.json")
    held_out = [fold_intents[fold_of(residual)] for _, _, _, residual, _ in cases]  # the model that never saw the question (nor its template)
    limits = _shortcut_limits(understanding, calibrator, lexical_calibrator, held_out, [c[0] for c in cases], [c[1] for c in cases], full_hits)
    (model_dir / "shortcut.json").write_text(json.dumps(limits, indent=1))
    log(f"      lexical shortcut: service >= {limits['service']}, intent >= {limits['intent']} ({limits['share']:.0%} of training questions); greetings and requests for a person >= {limits['chat']}")
    counts = dict(Counter(e.intent for e in examples))
    return TrainReport(len(examples), counts, losses, time.perf_counter() - start)


def cached_intent_model(texts: list[str], labels: list[str], vectors: np.ndarray, cache_dir: Path, *, role: str = "", c: float = FULL_C) -> IntentModel:
    """IntentModel.train, or the model trained before on exactly these texts, labels and vectors (kept
    in the cache dir by their content): a retrain whose intent data did not change fits nothing. The
    lexical model sees names masked, so a changed service name leaves its data unchanged. Otherwise the
    fit starts from the last model of the same ``role`` (full, lexical, fold-k), else the newest of its
    shape: a new name changes few examples and the adapter a little, so the start is near the new
    optimum (after a keyword change: 1.35 -> 0.43 s of CPU for the full model, 0.8 -> 0.12 s lexical)."""
    import hashlib

    from assistant.understanding import intent, logistic

    # the code that trains (intent.py, logistic.py) is part of the content
    code = hashlib.sha256(Path(intent.__file__).read_bytes() + Path(logistic.__file__).read_bytes()).hexdigest()
    digest = hashlib.sha256(json.dumps([code, c, texts, labels], ensure_ascii=False).encode())
    digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes() + str(vectors.shape).encode())
    path = cache_dir / f"intent-{digest.hexdigest()[:16]}"
    last = cache_dir / f"intent-last-{role}.txt" if role else None
    if (path / "params.json").exists():
        model = IntentModel.load(path)
    else:
        model = IntentModel.train(texts, labels, vectors, c=c, start=_previous_model(cache_dir, last, sorted(set(labels)), vectors.shape[1]))
        partial = path.with_name(path.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        model.save(partial)
        shutil.rmtree(path, ignore_errors=True)
        partial.rename(path)
        prune_models(cache_dir)
    path.touch()  # used now: pruning keeps the most recently used
    if last is not None:
        last.write_text(path.name)
    return model


KEPT_MODELS = 24  # a retrain fits about six (full, lexical, four folds); the last few retrains' are kept


def prune_models(cache_dir: Path, keep: int = KEPT_MODELS) -> None:
    """Cached intent models beyond the ``keep`` most recently used are removed (each publish that
    changes names adds about six of half a megabyte); the last model of each role is always kept."""
    last = {p.read_text().strip() for p in cache_dir.glob("intent-last-*.txt")}
    models = sorted((p for p in cache_dir.glob("intent-*") if p.is_dir() and not p.name.endswith(".partial")),
                    key=lambda p: p.stat().st_mtime, reverse=True)  # fmt: skip
    for old in models[keep:]:
        if old.name not in last:
            shutil.rmtree(old, ignore_errors=True)


def _previous_model(cache_dir: Path, last: Path | None, classes: list[str], dim: int, look: int = 16) -> IntentModel | None:
    """The model named by ``last``, else the newest cached intent model with these classes and this
    embedding size (of the last few written)."""

    def written(params: Path) -> float:
        try:
            return params.stat().st_mtime
        except OSError:  # replaced meanwhile by another fit
            return 0.0

    named = [cache_dir / last.read_text().strip() / "params.json"] if last is not None and last.exists() else []
    done = [p for p in cache_dir.glob("intent-*/params.json") if not p.parent.name.endswith(".partial")]
    for params in [*named, *sorted(done, key=written, reverse=True)[:look]]:
        try:
            model = IntentModel.load(params.parent)
        except (OSError, ValueError, EOFError):  # replaced meanwhile, or damaged: a cold start instead
            continue
        if model.aligned(classes, {}, dim) is not None:
            return model
    return None


def _shortcut_limits(understanding: Understanding, calibrator: Calibrator, lexical_calibrator: Calibrator, lexical_intents: list[IntentModel],
                     texts: list[str], vectors: list[np.ndarray], hits: list[tuple[list[Hit], list[Hit]]]) -> dict[str, float]:  # fmt: skip
    """The shortcut's limits (see shortcut.choose_limits) from whether the lexical decision (service, whether
    to answer, intent) equals the full pipeline's on each validation question; each question's lexical
    intent comes from the model of ``lexical_intents`` that was trained without it."""
    rows, chat_rows = [], []
    for text, vec, (full, lexical), model in zip(texts, vectors, hits, lexical_intents):
        full_intent = understanding.intents.predict(understanding._mark(text, full), vec).intent
        lexical_intent = model.predict(understanding._mark_lexically(text, lexical), NO_VECTOR)
        same = _same_service(calibrator, full, lexical) and full_intent == lexical_intent.intent
        asks_service = lexical_intent.intent in SERVICE_INTENTS
        rows.append((lexical_calibrator.confidence(lexical), lexical_intent.confidence if asks_service else 0.0, same))
        if lexical_intent.intent in CHAT_INTENTS and not understanding.retriever.lexicon.mentioned_services(text):
            # the dialogue answers these without a service unless the full pipeline is sure of one
            chat_rows.append((lexical_intent.confidence, not _answers(calibrator, full) and full_intent == lexical_intent.intent))
    return {**choose_limits(rows), "chat": choose_chat_limit(chat_rows)}


def _answers(calibrator: Calibrator, full: list[Hit]) -> bool:
    """The full pipeline is sure enough of its first guide to answer with it (the dialogue answers at a
    calibrated ANSWERS; below it asks which service is meant)."""
    return bool(full) and calibrator.confidence(full) >= ANSWERS


def _same_service(calibrator: Calibrator, full: list[Hit], lexical: list[Hit]) -> bool:
    """The full pipeline answers with the lexical channels' first guide."""
    return _answers(calibrator, full) and bool(lexical) and full[0].guide_id == lexical[0].guide_id


__all__ = ["Understanding", "Understood", "Example", "train"]
