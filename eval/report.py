"""report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched).

Answers and articles are untrusted text: the template is rendered with Jinja2 autoescaping, so every
string from a row is HTML-escaped; the charts are drawn from numbers computed here.
"""
from __future__ import annotations

import jinja2

from .metrics import percentile

# (key in summary["metrics"], label) for the 0..1 overview chart, in reading order.
OVERVIEW = [
    ("faithfulness", "Faithfulness (sentences supported, per answer)"),
    ("support_score", "Mean judge score of sentences"),
    ("sentences_supported", "Sentences supported (all answers)"),
    ("answers_sentences_supported", "Answers: every sentence supported by its quotes"),
    ("answers_supported_as_answers", "Answers supported as answers (+ premise)"),
    ("quote_validity", "Quotes verbatim in article"),
    ("citation_precision", "Citation precision"),
    ("citation_recall", "Citation recall"),
    ("token_f1", "Answer token F1"),
    ("key_containment", "Reference key words in answer"),
    ("recall@1", "Retrieval recall@1"),
    ("recall@3", "Retrieval recall@3"),
    ("recall@5", "Retrieval recall@5"),
    ("mrr", "Retrieval MRR"),
    ("gold_quote_retrieved", "Gold quote retrieved"),
    ("gold_quote_cited", "Gold quote cited"),
    ("abstention_precision", "Abstention precision"),
    ("abstention_recall", "Abstention recall"),
]
# The target table's figures (summary["metrics"]["targets"][split][key]), in reading order.
TARGETS = [("answerable_correct", "answerable correct"), ("declined", "unanswerable declined"),
           ("false_abstentions", "false abstentions"), ("quotes_verbatim", "quotes verbatim"),
           ("answered_unanswerable_not_supported", "answered unanswerable, rejected as answers"),
           ("answered_answerable_supported", "answered answerable, accepted as answers")]
CONTEXT_CHARS = 160  # passage text shown either side of a highlighted quote


def render_report(summary: dict, rows: list[dict]) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["fmt"] = _fmt
    env.filters["count"] = format_count
    return env.from_string(TEMPLATE).render(
        summary=summary,
        m=summary["metrics"],
        overview=overview_bars(summary["metrics"]),
        faith=faithfulness_bars(rows),
        latency=latency_histogram(rows),
        questions=[question_view(r) for r in rows],
        targets=TARGETS,
    )


def _fmt(x, digits: int = 3) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def format_count(c: dict) -> str:
    """'60/69 = 87.0 %', or '–' when nothing was counted."""
    return f"{c['n']}/{c['of']} = {100 * c['rate']:.1f} %" if c["of"] else "–"


# ---- chart geometry (pure numbers; the template draws them)
def overview_bars(metrics: dict) -> list[dict]:
    return [{"label": label, "value": metrics.get(key)} for key, label in OVERVIEW if metrics.get(key) is not None]


def faithfulness_bars(rows: list[dict]) -> list[dict]:
    bars = []
    for r in rows:
        m = r.get("metrics") or {}
        state = "error" if r.get("error") else "abstained" if m.get("abstained") else "answered"
        value = m.get("faithfulness")
        bars.append({"id": r["id"], "value": value, "state": state,
                     "color": _score_color(value) if value is not None else "#bbb"})
    return bars


def latency_histogram(rows: list[dict], n_bins: int = 12) -> dict:
    values = [r["metrics"]["latency_s"] for r in rows if r.get("metrics") and r["metrics"].get("latency_s") is not None]
    if not values:
        return {"bins": [], "max_count": 0, "p50": None, "p95": None, "hi": 0.0}
    hi = max(values) or 1.0
    width = hi / n_bins
    counts = [0] * n_bins
    for v in values:
        counts[min(int(v / width), n_bins - 1)] += 1
    bins = [{"lo": i * width, "hi": (i + 1) * width, "count": c} for i, c in enumerate(counts)]
    return {"bins": bins, "max_count": max(counts), "p50": percentile(values, 50), "p95": percentile(values, 95), "hi": hi}


def _score_color(score: float) -> str:
    # red (0) -> amber (0.5) -> green (1), readable on white
    if score < 0.5:
        return "#c0392b" if score < 0.25 else "#e67e22"
    return "#27ae60" if score >= 0.75 else "#b7950b"


# ---- per-question view
def question_view(row: dict) -> dict:
    answer = row.get("answer") or {}
    cites = {c["n"]: c for c in answer.get("citations", [])}
    sources = {s["n"]: s for s in answer.get("sources", [])}
    invalid = {q["n"] for q in (row.get("metrics") or {}).get("invalid_quotes", [])}
    sentences = []
    for s in row.get("sentences", []):
        quotes = [quote_view(cites.get(n), sources.get(n), n in invalid) for n in s["citations"]]
        sentences.append({"text": s["text"], "score": s["score"], "supported": s["supported"],
                          "color": _score_color(s["score"]), "quotes": quotes})
    return {"id": row["id"], "item": row["item"], "answer": answer, "error": row.get("error"),
            "metrics": row.get("metrics") or {}, "sentences": sentences}


def quote_view(cite: dict | None, source: dict | None, invalid: bool) -> dict:
    """The quote with some of its passage around it: before, quote, after (the quote is highlighted)."""
    if cite is None:
        return {"n": None, "before": "", "quote": "", "after": "", "title": "", "invalid": invalid}
    quote, passage = cite.get("quote", ""), (source or {}).get("text", "")
    at = passage.find(quote) if quote else -1
    before = passage[max(0, at - CONTEXT_CHARS):at] if at >= 0 else ""
    after = passage[at + len(quote):at + len(quote) + CONTEXT_CHARS] if at >= 0 else ""
    return {"n": cite.get("n"), "before": ("…" if at > CONTEXT_CHARS else "") + before, "quote": quote,
            "after": after + ("…" if at >= 0 and at + len(quote) + CONTEXT_CHARS < len(passage) else ""),
            "title": cite.get("title", ""), "invalid": invalid}


TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Evaluation report: {{ summary.run.dataset }}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #eee; padding: 4px 6px; vertical-align: top; text-align: left; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; }
.sent { margin: 4px 0; } .quote { margin: 2px 0 6px 2em; color: #555; font-size: 13px; }
mark { background: #fff3a8; color: #000; } .bad { color: #c0392b; font-weight: bold; }
.muted { color: #888; } svg text { font: 11px system-ui, sans-serif; fill: #333; }
</style>
</head>
<body>
<h1>Evaluation report</h1>
<p>Dataset <code>{{ summary.run.dataset }}</code> · mode <b>{{ summary.run.mode }}</b> · judge <b>{{ summary.run.judge }}</b>
 · {{ summary.run.questions_done }} of {{ summary.run.questions_in_split or summary.run.questions_in_dataset }} questions done
{%- if summary.run.split and summary.run.split != "all" %} ({{ summary.run.split }} half of {{ summary.run.questions_in_dataset }}){% endif %}
 · {{ m.errors }} failed · {{ summary.dataset_errors|length }} malformed dataset rows</p>

<h2 id="overview">Metric overview</h2>
{% set bar_w = 420 %}
<svg id="chart-overview" role="img" aria-label="metric overview" width="{{ 310 + bar_w + 60 }}" height="{{ 22 * overview|length + 10 }}" xmlns="http://www.w3.org/2000/svg">
{% for b in overview %}
  {% set y = 22 * loop.index0 + 4 %}
  <text x="300" y="{{ y + 13 }}" text-anchor="end">{{ b.label }}</text>
  <rect x="310" y="{{ y }}" width="{{ bar_w }}" height="16" fill="#eee"/>
  <rect x="310" y="{{ y }}" width="{{ (bar_w * b.value)|round(1) }}" height="16" fill="#2e86c1"><title>{{ b.label }}: {{ b.value|fmt }}</title></rect>
  <text x="{{ 316 + bar_w }}" y="{{ y + 13 }}">{{ b.value|fmt }}</text>
{% endfor %}
</svg>
<table style="width:auto">
<tr><th>Sentences judged</th><td class="num">{{ m.sentences }}</td></tr>
<tr><th>Invalid quotes</th><td class="num {{ 'bad' if m.invalid_quotes else '' }}">{{ m.invalid_quotes }}</td></tr>
<tr><th>Abstained</th><td class="num">{{ m.abstained }}</td></tr>
<tr><th>Latency p50 / p95 (s)</th><td class="num">{{ m.latency_p50_s|fmt(2) }} / {{ m.latency_p95_s|fmt(2) }}</td></tr>
</table>
{% if summary.judge_validation %}
<h3 id="judge-validation">How far to trust the judge</h3>
<p class="muted">The {{ summary.judge_validation.judge }} judge's measured accuracy on the held-out half of each
labelled set (decision boundary 0.5), from eval/judge_weights.json.</p>
<table id="judge-validation-table" style="width:auto"><tr><th>labelled set (held-out)</th><th class="num">pairs</th><th class="num">balanced accuracy</th><th class="num">ROC-AUC</th></tr>
{% for name, v in summary.judge_validation.held_out.items() %}
<tr><td>{{ name }}</td><td class="num">{{ v.pairs }}</td><td class="num">{{ v.balanced_accuracy|fmt }}</td><td class="num">{{ v.roc_auc|fmt }}</td></tr>
{% else %}<tr><td colspan="4" class="muted">not measured for these weights</td></tr>
{% endfor %}</table>
{% endif %}
{% if m.by_kind %}
<h3>By kind</h3>
<table style="width:auto"><tr><th>kind</th><th>questions</th><th>faithfulness</th><th>token F1</th><th>abstained</th></tr>
{% for kind, k in m.by_kind.items() %}
<tr><td>{{ kind }}</td><td class="num">{{ k.questions }}</td><td class="num">{{ k.faithfulness|fmt }}</td><td class="num">{{ k.token_f1|fmt }}</td><td class="num">{{ k.abstained }}</td></tr>
{% endfor %}</table>
{% endif %}

{% if m.targets %}
<h2 id="targets">Target table</h2>
<p class="muted">Answerable correct: correct among questions with an answer. Declined: abstained among questions
without one (near-miss, off-topic). False abstentions: abstained among questions with an answer. Quotes verbatim:
citations whose quote is exactly the stored article's text at [start:end]. Answered unanswerable, rejected as
answers: unanswerable questions (near-miss...) answered anyway whose answer the judge does not support as an answer
(its sentences and the question's premise, against its quotes); answered answerable, accepted as answers: the
same verdict where the question has an answer. Split by a fixed hash of the question id.</p>
<table id="targets-table" style="width:auto">
<tr><th></th>{% for split in m.targets %}<th class="num">{{ split }}</th>{% endfor %}</tr>
{% for key, label in targets %}
<tr><th>{{ label }}</th>{% for split, t in m.targets.items() %}<td class="num">{{ t[key]|count }}</td>{% endfor %}</tr>
{% endfor %}
</table>
<h3>By kind</h3>
<table id="targets-by-kind" style="width:auto">
<tr><th>kind</th><th>split</th><th class="num">questions</th>{% for key, label in targets %}<th class="num">{{ label }}</th>{% endfor %}</tr>
{% for split, t in m.targets.items() %}{% for kind, k in t.by_kind.items() %}
<tr><td>{{ kind }}</td><td>{{ split }}</td><td class="num">{{ k.questions }}</td>{% for key, label in targets %}<td class="num">{{ k[key]|count }}</td>{% endfor %}</tr>
{% endfor %}{% endfor %}
</table>
{% endif %}

<h2 id="faithfulness">Per-question faithfulness</h2>
{% set step = [8, (900 / (faith|length or 1))|int]|max %}
<svg id="chart-faithfulness" role="img" aria-label="faithfulness per question" width="{{ step * faith|length + 50 }}" height="150" xmlns="http://www.w3.org/2000/svg">
  <line x1="40" y1="10" x2="40" y2="120" stroke="#999"/><line x1="40" y1="120" x2="{{ step * faith|length + 45 }}" y2="120" stroke="#999"/>
  <text x="35" y="14" text-anchor="end">1</text><text x="35" y="68" text-anchor="end">0.5</text><text x="35" y="123" text-anchor="end">0</text>
  <line x1="40" y1="65" x2="{{ step * faith|length + 45 }}" y2="65" stroke="#ddd" stroke-dasharray="3 3"/>
{% for b in faith %}
  {% set h = (110 * (b.value or 0))|round(1) %}
  <a href="#q-{{ loop.index0 }}"><rect x="{{ 42 + step * loop.index0 }}" y="{{ 120 - [h, 2]|max }}" width="{{ step - 2 }}" height="{{ [h, 2]|max }}" fill="{{ b.color }}"><title>{{ b.id }}: {{ b.value|fmt }} ({{ b.state }})</title></rect></a>
{% endfor %}
  <text x="40" y="140">questions in dataset order (grey: abstained or failed)</text>
</svg>

<h2 id="latency">Latency distribution</h2>
{% set lat = latency %}
<svg id="chart-latency" role="img" aria-label="latency histogram" width="560" height="170" xmlns="http://www.w3.org/2000/svg">
  <line x1="40" y1="10" x2="40" y2="130" stroke="#999"/><line x1="40" y1="130" x2="530" y2="130" stroke="#999"/>
{% for b in lat.bins %}
  {% set h = (110 * b.count / lat.max_count)|round(1) %}
  <rect x="{{ 42 + 40 * loop.index0 }}" y="{{ 130 - h }}" width="38" height="{{ h }}" fill="#8e44ad"><title>{{ b.lo|fmt(2) }}–{{ b.hi|fmt(2) }} s: {{ b.count }}</title></rect>
  {% if b.count %}<text x="{{ 61 + 40 * loop.index0 }}" y="{{ 126 - h }}" text-anchor="middle">{{ b.count }}</text>{% endif %}
{% endfor %}
  <text x="40" y="148">0 s</text><text x="530" y="148" text-anchor="end">{{ lat.hi|fmt(2) }} s</text>
  <text x="40" y="164">p50 {{ lat.p50|fmt(2) }} s · p95 {{ lat.p95|fmt(2) }} s</text>
</svg>

{% if summary.dataset_errors %}
<h2 id="dataset-errors">Malformed dataset rows (skipped)</h2>
<ul>{% for e in summary.dataset_errors %}<li>{{ e }}</li>{% endfor %}</ul>
{% endif %}

<h2 id="questions">Questions</h2>
<table id="questions-table">
<tr><th>#</th><th>question</th><th>answer: each sentence, its verdict and its quote</th><th>metrics</th></tr>
{% for q in questions %}
<tr id="q-{{ loop.index0 }}" class="question">
<td>{{ q.id }}{% if q.item.kind %}<br><span class="muted">{{ q.item.kind }}</span>{% endif %}</td>
<td>{{ q.item.question }}{% if q.item.reference %}<br><span class="muted">reference: {{ q.item.reference }}</span>{% endif %}</td>
<td>
{% if q.error %}<span class="bad">{{ q.error }}</span>
{% elif q.answer.abstained %}<span class="badge" style="background:#7f8c8d">abstained</span> {{ q.answer.answer }}
{% else %}
  {% for s in q.sentences %}
  <div class="sent"><span class="badge" style="background:{{ s.color }}">{{ 'supported' if s.supported else 'unsupported' }} {{ s.score|fmt(2) }}</span> {{ s.text }}</div>
    {% for c in s.quotes %}
    <div class="quote">[{{ c.n }}] {{ c.title }}{% if c.invalid %} <span class="bad">quote not in article</span>{% endif %}: {{ c.before }}<mark>{{ c.quote }}</mark>{{ c.after }}</div>
    {% endfor %}
    {% if not s.quotes %}<div class="quote bad">no citation</div>{% endif %}
  {% endfor %}
  {% if q.answer.error %}<div class="muted">{{ q.answer.error }}</div>{% endif %}
{% endif %}
</td>
<td class="num">
{% for key in ['faithfulness', 'token_f1', 'recall@5', 'mrr', 'latency_s'] %}{% if q.metrics.get(key) is not none %}{{ key }} {{ q.metrics[key]|fmt(2) }}<br>{% endif %}{% endfor %}
</td>
</tr>
{% endfor %}
</table>
</body>
</html>
"""
