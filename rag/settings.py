"""The one settings object: environment variables (prefix RAG_) over documented defaults.

No other module reads os.environ; everything takes a Settings (or calls get_settings()).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Mode = Literal["local", "openai", "extractive"]
EmbedBackend = Literal["onnx", "torch"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore", validate_default=True)

    # Where everything we write lives: Chroma, the document store + keyword index, the assembled model.
    home: Path = Field(Path(".rag"), description="data directory")
    corpus_dir: Path = Field(Path("corpus"), description="default folder for `rag ingest` and UI uploads")
    # The assembled GGUF (1.1 GB) may be shared between data directories (tests do).
    model_dir: Path | None = Field(None, description="default: <home>/models")

    # Vector store: embedded PersistentClient under home/, or a Chroma server when a URL is set.
    chroma_url: str | None = Field(None, description="e.g. http://127.0.0.1:8000; unset = embedded")
    collection: str = Field("chunks", description="Chroma collection name")

    # Ingestion
    max_file_mb: float = Field(20.0, gt=0, description="files larger than this are skipped")
    # MiniLM reads 256 word pieces but was trained on 128: shorter chunks retrieve better (see README).
    chunk_tokens: int = Field(128, ge=32, le=250, description="word pieces per chunk (model reads 256)")
    chunk_overlap: int = Field(1, ge=0, le=3, description="sentences shared by neighbouring chunks")
    embed_batch_size: int = Field(64, ge=1)
    # Documents are embedded, then written (vectors + chunks, one commit) in groups of about this many chunks.
    ingest_group_chunks: int = Field(256, ge=1, description="chunks per ingest commit group")
    # Threads for embedding questions and sentences at answer time. 1 measured fastest here: with the LLM
    # server on the other core, two OpenMP threads spun against it (a query took 200-500 ms instead of 15 ms).
    embed_threads: int = Field(1, ge=1, description="threads encoding questions and answer sentences")
    # Threads for ingest's batches (ONNX backend): two encode ~1.9x faster on 2 idle cores (README, Measured).
    # Ingest falls back to embed_threads while this process's local model server runs (rag.ingest).
    ingest_embed_threads: int = Field(2, ge=1, description="threads encoding ingest batches (onnx backend)")
    # Same vectors either way (2e-7 apart); onnx loads in 0.4 s instead of 7 and encodes a question in
    # a third of the time, batches as fast as torch (README, Measured). torch if the export fails.
    embed_backend: EmbedBackend = Field("onnx", description="onnx (ONNX Runtime, exported once into model_dir) | torch")

    # Retrieval and answering
    top_k: int = Field(6, ge=1, le=50, description="chunks retrieved per question")
    mode: Mode = Field("local", description="local | openai | extractive")
    max_question_chars: int = Field(4000, ge=10)
    # Answer-path checks to leave out (names from rag.checks.STEP_NAMES, comma-separated): for the
    # ablation bench only; every check is on by default.
    skip_checks: str = Field("", description="comma-separated rag.checks step names to turn off (ablation)")

    # LLM: the packaged local model by default, or any OpenAI-compatible endpoint.
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; unset = local model")
    llm_model: str = Field("qwen2.5-coder-1.5b-instruct", description="model name sent to the endpoint")
    openai_api_key: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "RAG_OPENAI_API_KEY")
    )
    llm_timeout_s: float = Field(120.0, gt=0)
    llm_retries: int = Field(2, ge=0, le=10)
    llm_threads: int = Field(2, ge=1)
    llm_ctx: int = Field(4096, ge=512)
    llm_queue_size: int = Field(8, ge=1, description="requests waiting for the model before 'busy'")

    # Judge for evaluation (defaults to the answering LLM)
    judge_base_url: str | None = None
    judge_model: str | None = None

    # Web UI
    ui_host: str = "127.0.0.1"
    ui_port: int = Field(7860, ge=1, le=65535)
    ui_auth: str | None = Field(None, description="user:password, required off loopback")

    @field_validator("chroma_url", "llm_base_url", "judge_base_url", "ui_auth", "openai_api_key")
    @classmethod
    def _empty_is_unset(cls, v: str | None) -> str | None:
        return v or None

    # Derived paths: one place decides the layout of the data directory.
    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def db_path(self) -> Path:
        return self.home / "docs.sqlite"

    @model_validator(mode="after")
    def _default_model_dir(self) -> "Settings":
        if self.model_dir is None:
            self.model_dir = self.home / "models"
        return self

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    def effective(self) -> dict:
        """Settings as shown by `rag config` (secrets masked)."""
        out = self.model_dump(mode="json")
        if out.get("openai_api_key"):
            out["openai_api_key"] = "***"
        if out.get("ui_auth"):
            out["ui_auth"] = out["ui_auth"].split(":", 1)[0] + ":***"
        return out


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
