"""All configuration of policykg, read from environment variables (and ``.env``) in one place.

Only ``api/`` (HTTP, CLI) reads settings; ``graph/``, ``search/`` and ``ingest/`` take plain arguments.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """policykg settings. Every field maps to an environment variable of the same name (upper case)."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    policykg_data_dir: Path = Field(Path("data"), description="Folder for the embedded graph, indexes and outbox.")
    policykg_graph_backend: Literal["embedded", "neo4j"] = "embedded"
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("neo4j")
    neo4j_database: str | None = None

    policykg_search_backend: Literal["embedded", "elasticsearch"] = "embedded"
    policykg_vector_dtype: Literal["float32", "float16"] = Field(
        "float32",
        description="How the embedded index stores unit vectors (float16: half the memory; products in float32). "
        "Applies to the index versions written after it is set.",
    )
    elasticsearch_url: str | None = None
    elasticsearch_index: str = "policykg-clauses"
    policykg_embedder: Literal["use", "static", "use+static", "sentence-transformers", "none"] = Field(
        "use",
        description="use = multilingual Universal Sentence Encoder v3 shipped in a wheel (offline default); "
        "static = word vectors distilled from multilingual-e5-small (search/resources/static_*); "
        "use+static = both in one vector (cosine = weighted mean of the two).",
    )
    policykg_use_weight: float = Field(
        0.7, gt=0, lt=1, description="USE's share of the cosine when POLICYKG_EMBEDDER=use+static (static: the rest)."
    )
    policykg_embedding_model: str | None = Field(
        None,
        description="sentence-transformers model name or local path (when POLICYKG_EMBEDDER=sentence-transformers).",
    )
    policykg_embed_workers: int = Field(
        default_factory=lambda: min(2, os.cpu_count() or 1),
        ge=1,
        description="Processes that embed large batches with USE (an index sync); 1 = in the calling process.",
    )
    policykg_lexical_weight: float = Field(1.0, ge=0)
    policykg_vector_weight: float = Field(0.6, ge=0, description="CombSUM weight of vectors (BM25 weight 1; tuned).")
    policykg_lexical_depth: int = Field(
        400, ge=1, description="How many BM25 units enter the fusion (a statute article from the whole depth)."
    )
    policykg_vector_depth: int = Field(
        400, ge=1, description="How many nearest units by vector enter the fusion (an article from the whole depth)."
    )
    policykg_passage_depth_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="A unit other than a statute article (a policy's passage) enters the fusion only from this "
        "share of each list's depth (1: every unit from the whole depth; 0.5 of 400: from the first 200).",
    )
    policykg_confidence_exponent: float = Field(
        4.0,
        ge=0,
        description="γ of the vector weight's scaling by BM25's confidence, w · (b2 / b1)^γ (search/ranking.py).",
    )
    policykg_context_weight: float = Field(
        0.2, ge=0, description="λ: weight of a unit's document context (the sum of its document's best fused scores)."
    )
    policykg_context_units: int = Field(2, ge=1, description="n: how many of a document's best units its context sums.")
    policykg_rerank: bool = Field(
        True, description="Rerank hybrid results with the shipped learned model (search/resources/reranker.json)."
    )
    policykg_query_thesaurus: float = Field(
        0.3,
        ge=0,
        description="Weight of the words the mined thesaurus (search/resources/thesaurus.tsv) adds to a lexical "
        "query, relative to the query's own (0 = off; see README, Search figures).",
    )
    policykg_thesaurus_scope: Literal["all", "articles"] = Field(
        "articles",
        description="Which units the thesaurus-expanded query scores: all, or only statute articles (every other "
        "unit keeps the unexpanded query's BM25 score; STARD odd half, USE hybrid: R@100 0.7662 -> 0.7893, NCP "
        "unchanged).",
    )
    policykg_query_feedback: float = Field(
        0.0,
        ge=0,
        description="Weight of the best pseudo-relevance feedback term (RM3, the first 10 units' best 10 terms) "
        "added to a lexical query (0 = off).",
    )
    policykg_heading_tokens: bool = Field(
        True,
        description="Index an article's 编/章/节 headings with its BM25 tokens (the index is rebuilt when changed; "
        "STARD odd half, BM25: R@100 0.7101 -> 0.7166, NCP unchanged).",
    )
    policykg_bm25_fields: bool = Field(
        True,
        description="Per-field BM25 (BM25F): an article's text, its law's short title and its 编/章/节 headings "
        "as three fields of the BM25 index, the title's and the headings' term frequencies and lengths weighted "
        "by the two weights below against the text's 1 (the index is rebuilt when any of the three changes; see "
        "README, Search figures). Off: one field holding all three (the index before BM25F was the default).",
    )
    policykg_title_field_weight: float = Field(
        1.5,
        ge=0,
        description="BM25F weight of the short-title field of every unit but a statute article (a policy's "
        "passages; with POLICYKG_BM25_FIELDS).",
    )
    policykg_article_title_field_weight: float = Field(
        1.0,
        ge=0,
        description="BM25F weight of a statute article's (条) short-title field, apart from every other unit's "
        "(with POLICYKG_BM25_FIELDS).",
    )
    policykg_heading_field_weight: float = Field(
        1.0, ge=0, description="BM25F weight of the headings field (with POLICYKG_BM25_FIELDS)."
    )
    policykg_blas_threads: int = Field(
        1,
        ge=0,
        description="BLAS threads of the `serve` process. Concurrent queries each embed on their own request "
        "thread, so one BLAS thread each keeps them from oversubscribing the cores; 0 = the BLAS library's default "
        "(every core per call).",
    )

    policykg_webhook_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Hosts webhooks may target, comma-separated or a JSON list (*.example.cn for sub-domains); "
        "empty = any public host. Internal addresses (127.0.0.1, 10.x, 169.254.x …) only when named here.",
    )
    policykg_max_request_mb: float = Field(5.0, gt=0, description="Largest request body the service accepts (MB).")
    policykg_webhook_max_attempts: int = Field(8, ge=1)
    policykg_webhook_backoff_base_s: float = Field(2.0, gt=0, description="First retry delay bound (doubles).")
    policykg_webhook_backoff_cap_s: float = Field(3600.0, gt=0, description="Longest retry delay bound.")
    policykg_webhook_timeout_s: float = Field(10.0, gt=0, description="Time limit of one delivery attempt.")
    policykg_push_worker: bool = Field(True, description="Run the webhook delivery worker inside `serve`.")
    policykg_push_poll_s: float = Field(1.0, gt=0, description="Worker sleep when nothing is due.")
    policykg_registration_token: SecretStr | None = Field(
        None, description="When set, POST /consumers needs it in X-Registration-Token."
    )
    policykg_open_registration: bool = Field(
        False,
        description="Let anyone register with POST /consumers without a token (local demos only). Closed by "
        "default: set POLICYKG_REGISTRATION_TOKEN, or register with `policykg consumers add`.",
    )
    policykg_ingest_max_mb: int = Field(50, ge=1, description="Files above this size (MB) are refused by ingest.")
    policykg_sync_upload_max_bytes: int = Field(
        2 * 1024 * 1024,
        ge=0,
        description="An uploaded file (multipart POST /documents) above this size is published in the background: "
        "202 with Location /jobs/{id}; at or below it, 201 at once (unless the client sends Prefer: respond-async).",
    )
    policykg_host: str = "127.0.0.1"
    policykg_port: int = Field(8000, ge=1, le=65535)

    @field_validator("policykg_webhook_allowlist", mode="before")
    @classmethod
    def _host_list(cls, value: object) -> object:
        """A JSON list, or hosts separated by commas or spaces."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [host for host in text.replace(",", " ").split() if host]
        return value

    @model_validator(mode="after")
    def _require_server_urls(self) -> Settings:
        if self.policykg_graph_backend == "neo4j" and not self.neo4j_uri:
            raise ValueError("POLICYKG_GRAPH_BACKEND=neo4j needs NEO4J_URI (e.g. bolt://localhost:7687)")
        if self.policykg_search_backend == "elasticsearch" and not self.elasticsearch_url:
            raise ValueError("POLICYKG_SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL")
        return self
