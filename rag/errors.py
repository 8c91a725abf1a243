"""Typed errors: each message says what went wrong and what the user can do about it."""


class RagError(Exception):
    """Base class for every error this package raises on purpose."""


class ConfigError(RagError):
    """A setting is invalid (bad URL, bad number, missing credentials)."""


class InputError(RagError):
    """A file or question the user gave cannot be used (empty, binary, too large, malformed)."""


class UnsupportedFile(InputError):
    """A file's extension is not one we can read."""


class StoreError(RagError):
    """The vector store, document store or keyword index cannot be reached or is inconsistent."""


class ChromaUnavailable(StoreError):
    """The Chroma server at RAG_CHROMA_URL does not answer."""


class ModelError(RagError):
    """The local model files are missing, incomplete or fail their checksum."""


class LLMError(RagError):
    """The language model endpoint failed (unreachable, timeout, bad reply)."""


class LLMUnavailable(LLMError):
    """The endpoint cannot be reached at all."""


class LLMBusy(LLMError):
    """The request queue for the model is full; try again shortly."""


class DatasetError(RagError):
    """An evaluation dataset is malformed."""
