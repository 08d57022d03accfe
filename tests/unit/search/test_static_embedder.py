"""The static embedder with the shipped table: shape, unit rows, related legal terms closer, edge cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embedders import build_embedder
from search.embedders.static import StaticEmbedder, read_table, write_table
from search.errors import EmbeddingError


@pytest.fixture(scope="module")
def static() -> StaticEmbedder:
    return StaticEmbedder()


def cosine(embedder: StaticEmbedder, first: str, second: str) -> float:
    a, b = embedder.embed([first, second])
    return float(a @ b)


def test_rows_are_unit_float32_of_the_table_width(static: StaticEmbedder) -> None:
    vectors = static.embed(["用人单位拖欠劳动者工资", "小微企业房租减免", "刑事案件的管辖"])
    assert vectors.shape == (3, static.dimension) == (3, 256)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize(
    ("text", "related", "unrelated"),
    [
        ("老板拖欠工资", "用人单位应当按时足额支付劳动者的劳动报酬", "机动车发生交通事故造成人身伤亡"),
        ("离婚后孩子的抚养费", "离婚后子女由一方直接抚养的，另一方应当负担抚养费", "纳税人应当依法办理税务登记"),
        ("小微企业房租减免", "对承租国有资产类经营用房的中小企业减免租金", "犯罪嫌疑人的辩护人"),
    ],
)
def test_a_question_is_closer_to_its_article_than_to_an_unrelated_one(
    static: StaticEmbedder, text: str, related: str, unrelated: str
) -> None:
    assert cosine(static, text, related) > cosine(static, text, unrelated)


def test_the_same_text_gets_the_same_vector_alone_or_in_any_batch(static: StaticEmbedder) -> None:
    texts = ["劳动合同的解除", "", "承租人应当按照约定支付租金", "劳动合同的解除"]
    batch = static.embed(texts)
    assert np.array_equal(batch[0], batch[3])
    assert np.allclose(static.embed_query("承租人应当按照约定支付租金"), batch[2], atol=1e-6)
    assert np.allclose(static.embed(texts[::-1])[::-1], batch, atol=1e-6)


def test_text_without_a_known_word_gets_the_zero_vector(static: StaticEmbedder) -> None:
    vectors = static.embed(["", "。，！？", "🙂🙂", "承租人"])
    assert not vectors[:3].any()
    assert np.linalg.norm(vectors[3]) == pytest.approx(1.0, abs=1e-5)
    assert static.embed([]).shape == (0, 256)


def test_a_word_not_in_the_table_falls_back_to_its_characters(static: StaticEmbedder, tmp_path: Path) -> None:
    write_table(tmp_path, ["刑", "期", "租"], np.eye(3, 4, dtype=np.float32))
    small = StaticEmbedder(tmp_path)  # 刑期 is one word to the analyser, and not in this table
    assert np.allclose(small.embed(["刑期"])[0], np.array([1, 1, 0, 0]) / np.sqrt(2), atol=1e-6)
    assert small.identity.startswith("static:") and small.identity != static.identity


def test_the_table_round_trips_through_int8_within_a_percent(tmp_path: Path) -> None:
    rows = np.random.default_rng(0).normal(size=(50, 16)).astype(np.float32)
    write_table(tmp_path, [f"w{i}" for i in range(50)], rows)
    assert np.abs(read_table(tmp_path) - rows).max() <= 0.01 * np.abs(rows).max()


def test_a_missing_table_is_an_embedding_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingError):
        StaticEmbedder(tmp_path).embed(["租金"])


def test_build_embedder_knows_static() -> None:
    assert isinstance(build_embedder("static"), StaticEmbedder)
