"""The understanding pipeline as one object: text -> language, intent, ranked services, confidence."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.kb.source import Knowledge
from assistant.understanding.aspects import aspects, clauses
from assistant.understanding.calibration import Calibrator, features
from assistant.understanding.encoder import encode, fine_tune_adapter, load_encoder, new_encoder
from assistant.understanding.faq import FaqIndex, FaqMatch
from assistant.understanding.intent import IntentModel, IntentPrediction
from assistant.understanding.lexicon import Lexicon
from assistant.understanding.nlu_data import Example, read_nlu
from assistant.understanding.rasa_nlu import RasaNLU, service_hint
from assistant.understanding.retriever import Hit, Retriever, guide_passages
from assistant.understanding.text import detect_lang, normalize


@dataclass
class Understood:
    text: str
    lang: str
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

    def __init__(self, kb: Knowledge, retriever: Retriever, intents: IntentModel, calibrator: Calibrator) -> None:
        self.kb, self.retriever, self.intents, self.calibrator = kb, retriever, intents, calibrator
        self.faq = FaqIndex(kb, retriever.encoder, retriever.lexicon)
        self._faq_intents: dict[str, set[str]] = {}

    @classmethod
    def load(cls, kb: Knowledge, model_dir: Path, *, cache_dir: Path | None = None) -> "Understanding":
        if not (model_dir / "intent" / "params.json").exists():
            raise FileNotFoundError(f"no trained models in {model_dir}: run `assistant train`")
        encoder = load_encoder(model_dir / "encoder")
        retriever = Retriever(kb, encoder, cache_dir=cache_dir)
        return cls(kb, retriever, IntentModel.load(model_dir / "intent"), Calibrator.load(model_dir / "calibration.json"))

    def _mark(self, text: str, hits: list[Hit]) -> str:
        """The question with its service replaced by the placeholder the intent model was trained with."""
        lexicon = self.retriever.lexicon
        marked = lexicon.mark_service(text)
        if marked == text and hits:
            marked = lexicon.mark_near_name(text, hits[0].guide_id)
        return marked

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
        vec = self.retriever.embed_query(norm)
        hits = self.retriever.search(norm, query_vec=vec, k=5)
        vector = vec if vec is not None else np.zeros(384, dtype=np.float32)
        mentioned = self.retriever.lexicon.mentioned_services(norm)
        intent = self.remote.parse(text) if self.remote is not None else None
        if intent is not None:
            mentioned = service_hint(intent, hits[0].guide_id if hits else None, mentioned)
        return Understood(
            text=norm,
            lang=detect_lang(norm),
            intent=intent or self.intents.predict(self._mark(norm, hits), vector),
            hits=hits,
            confidence=self.calibrator.confidence(hits),
            events=self.retriever.lexicon.mentioned_events(norm),
            mentioned=mentioned,
            vector=vec,
            aspects=aspects(norm, lambda part: self._clause_intent(part, hits)) if intent is None else [],
        )

    def _clause_intent(self, clause: str, hits: list[Hit]) -> IntentPrediction:
        vec = self.retriever.embed_query(clause)
        return self.intents.predict(self._mark(clause, hits), vec if vec is not None else np.zeros(384, dtype=np.float32))


@dataclass
class TrainReport:
    examples: int
    intents: dict[str, int]
    adapter_loss: list[float]
    seconds: float


def train(kb: Knowledge, nlu_path: Path, model_dir: Path, *, base_encoder: Path | None = None, log=print) -> TrainReport:  # type: ignore[no-untyped-def]
    """Fine-tune the adapter, train the intent model and fit the confidence calibration."""
    start = time.perf_counter()
    examples = read_nlu(nlu_path)
    if not examples:
        raise ValueError(f"{nlu_path}: no training examples")
    if base_encoder is not None and not (base_encoder / "modules.json").exists():
        raise FileNotFoundError(f"{base_encoder} is not a sentence-transformers model directory (no modules.json)")
    encoder = load_encoder(base_encoder) if base_encoder is not None else new_encoder()
    pairs = [(normalize(e.text), normalize(kb.guides[e.service].name)) for e in examples if e.service in kb.guides]
    for gid, guide in kb.guides.items():
        pairs += [(p, normalize(guide.name)) for p in guide_passages(guide, kb)]
    log(f"[1/3] fine-tuning the e5 adapter on {len(pairs)} (question, guide) pairs")
    losses = fine_tune_adapter(encoder, pairs)
    (model_dir / "encoder").mkdir(parents=True, exist_ok=True)
    encoder.save(str(model_dir / "encoder"))

    log(f"[2/3] training the intent model on {len(examples)} examples")
    texts = [normalize(e.text) for e in examples]
    vectors = encode(encoder, texts, "query")
    # an example without a marked service (negatives) is masked as a question is at inference, so a
    # gap's name holding a service word (台湾通行证) is learned as the model will see it
    lexicon = Lexicon.from_knowledge(kb)
    residuals = [normalize(e.residual) if e.span else lexicon.mark_service(t) for e, t in zip(examples, texts)]
    intents = IntentModel.train(residuals, [e.intent for e in examples], vectors)
    intents.save(model_dir / "intent")

    log("[3/3] fitting the confidence calibration")
    retriever = Retriever(kb, encoder)
    rows, labels = [], []
    # questions whose service is known (or none at all); texts and vectors are already computed above
    # the catalogue's gaps (out_of_hall) are left out: they are asked like services and do hit a
    # neighbour guide; telling them apart is the intent model's work, and as negatives here they only
    # made every confident answer less confident
    usable = [i for i, e in enumerate(examples) if (e.service is None and e.intent != "out_of_hall") or e.service in kb.guides]
    random.Random(3).shuffle(usable)
    for i in usable[:1500]:
        hits = retriever.search(texts[i], query_vec=vectors[i], k=5)
        rows.append(features(hits))
        labels.append(int(bool(hits) and hits[0].guide_id == examples[i].service))
    Calibrator.fit(rows, labels).save(model_dir / "calibration.json")
    counts = dict(Counter(e.intent for e in examples))
    return TrainReport(len(examples), counts, losses, time.perf_counter() - start)


__all__ = ["Understanding", "Understood", "Example", "train"]
