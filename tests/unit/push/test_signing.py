"""Webhook signatures verify, and fail on a changed body, a wrong secret or an old timestamp."""

from __future__ import annotations

from push.signing import signature_header, verify_signature

BODY = '{"verdict":"eligible","title":"关于支持中小企业的若干措施"}'.encode()


def test_signature_round_trip() -> None:
    header = signature_header("whsec_k", 1_800_000_000, BODY)
    assert header.startswith("t=1800000000,v1=")
    assert verify_signature("whsec_k", header, BODY, now=1_800_000_010)


def test_tampered_body_wrong_secret_and_stale_timestamp_fail() -> None:
    header = signature_header("whsec_k", 1_800_000_000, BODY)
    assert not verify_signature("whsec_k", header, BODY + b" ", now=1_800_000_000)
    assert not verify_signature("other", header, BODY, now=1_800_000_000)
    assert not verify_signature("whsec_k", header, BODY, now=1_800_000_000 + 301)
    assert not verify_signature("whsec_k", "v1=abc", BODY, now=1_800_000_000)
