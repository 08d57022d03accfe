"""The re-match hook stores a document's new or changed qualifying (profile, clause) results in the ingest write
(as match batches), and expanding them queues one event per result."""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import UTC, date, datetime

from eligibility.matching import Matcher
from eligibility.profile import EnterpriseProfile
from graph.base import GraphStore
from ontology.eligibility import Verdict
from push.fanout import RECIPIENTS_PER_BATCH, expand_batch, expand_pending
from push.models import SubscriptionCreate, SubscriptionFilters
from push.outbox import event_id_for
from push.qualifying import qualifying_page, qualifying_profiles
from push.registry import StoredProfile, create_subscription, upsert_profiles
from push.rematch import ProfileCache, ProfileSet, RematchHook, match_profiles, measures_from_change
from tests.support.matching_cases import varied_measures, varied_profiles
from tests.support.push_fixtures import ELIGIBLE, POLICY_TEXT, PROFILES, UNDETERMINED, policy_change

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _setup(store: GraphStore, filters: SubscriptionFilters | None = None) -> str:
    upsert_profiles(store, "c_1", [EnterpriseProfile.model_validate(p) for p in PROFILES])
    request = SubscriptionCreate(url="http://127.0.0.1:9/hook", filters=filters or SubscriptionFilters())
    return create_subscription(store, "c_1", request, ["127.0.0.1"]).id


def _ingest(store: GraphStore, hook: RematchHook, text: str = POLICY_TEXT) -> list[dict[str, object]]:
    """Write a policy with the batches its hook returns, expand them as the worker does; the events added."""
    before = {e["id"] for e in store.find_nodes("OutboxEvent")}
    context, change = policy_change(text=text)
    batches = hook(context, change)
    assert {n.label for n in batches.nodes} <= {"OutboxBatch"}
    change.extend(batches)
    store.write(change)
    while expand_pending(store, NOW):
        pass
    return [e for e in store.find_nodes("OutboxEvent") if e["id"] not in before]


def test_measures_are_read_from_the_pending_change() -> None:
    context, change = policy_change()
    (measure,) = measures_from_change(context, change)
    assert measure.region_code == "110000" and measure.benefit and measure.benefit.type == "稳岗返还"
    assert [c.dimension for c in measure.conditions] == ["region", "scale", "behaviour"]
    assert POLICY_TEXT[measure.span[0] : measure.span[1]] == measure.clause_text


def test_events_for_exactly_the_eligible_profiles(ladybug_store: GraphStore) -> None:
    subscription_id = _setup(ladybug_store)
    events = _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW))
    assert {e["profile_id"] for e in events} == ELIGIBLE
    assert all(e["subscription_id"] == subscription_id and e["status"] == "pending" for e in events)
    body = json.loads(str(events[0]["payload_json"]))
    assert body["match"]["verdict"] == "eligible" and body["match"]["source_id"] == "bj-2026-001"
    assert {c["outcome"] for c in body["match"]["conditions"]} == {"met"}
    assert len(ladybug_store.find_nodes("OutboxEvent")) == 2


def test_undetermined_only_when_the_subscription_asks(ladybug_store: GraphStore) -> None:
    _setup(ladybug_store, SubscriptionFilters(min_verdict=Verdict.UNDETERMINED))
    events = _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW))
    assert {e["profile_id"] for e in events} == ELIGIBLE | UNDETERMINED


def test_filters_on_region_and_benefit_type(ladybug_store: GraphStore) -> None:
    _setup(ladybug_store, SubscriptionFilters(regions=["310000"]))
    _setup(ladybug_store, SubscriptionFilters(benefit_types=["租金减免"]))
    assert _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW)) == []


def test_reingesting_unchanged_adds_nothing_and_a_change_adds_one_per_match(ladybug_store: GraphStore) -> None:
    _setup(ladybug_store)
    hook = RematchHook(ladybug_store, clock=lambda: NOW)
    assert len(_ingest(ladybug_store, hook)) == 2
    assert _ingest(ladybug_store, hook) == []
    changed = POLICY_TEXT.replace("最高10万元", "最高20万元")
    assert {e["profile_id"] for e in _ingest(ladybug_store, hook, changed)} == ELIGIBLE
    assert len(ladybug_store.find_nodes("OutboxEvent")) == 4


def test_no_subscription_no_event(ladybug_store: GraphStore) -> None:
    upsert_profiles(ladybug_store, "c_1", [EnterpriseProfile.model_validate(p) for p in PROFILES])
    assert _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW)) == []


def test_qualifying_lists_profiles_with_reasons(ladybug_store: GraphStore) -> None:
    _setup(ladybug_store)
    _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW))
    found = qualifying_profiles(ladybug_store, "bj-2026-001", as_of=date(2026, 11, 22), consumer_id="c_1")
    assert [(q.profile_id, q.verdict.value) for q in found] == [
        ("ent-1", "eligible"), ("ent-2", "eligible"), ("ent-5", "undetermined")
    ]  # fmt: skip
    assert found[-1].missing_facts == ["layoffs_2019"]
    assert qualifying_profiles(ladybug_store, "bj-2026-001", as_of=date(2026, 11, 22), consumer_id="c_2") == []
    expired = qualifying_profiles(ladybug_store, "bj-2026-001", as_of=date(2028, 1, 1), consumer_id="c_1")
    assert expired == []


def test_qualifying_pages_are_slices_of_the_ranked_list(ladybug_store: GraphStore) -> None:
    _setup(ladybug_store)
    upsert_profiles(ladybug_store, "c_2", [EnterpriseProfile.model_validate(p) for p in PROFILES])
    _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW))
    day = date(2026, 11, 22)
    everyone = qualifying_profiles(ladybug_store, "bj-2026-001", as_of=day)
    assert [(q.consumer_id, q.profile_id) for q in everyone] == [
        ("c_1", "ent-1"), ("c_1", "ent-2"), ("c_2", "ent-1"), ("c_2", "ent-2"), ("c_1", "ent-5"), ("c_2", "ent-5")
    ]  # fmt: skip
    pages = [qualifying_page(ladybug_store, "bj-2026-001", as_of=day, offset=o, limit=4) for o in (0, 4, 8)]
    assert [len(items) for items, _ in pages] == [4, 2, 0] and {total for _, total in pages} == {6}
    assert [q for items, _ in pages for q in items] == everyone
    mine, total = qualifying_page(
        ladybug_store, "bj-2026-001", as_of=day, consumer_id="c_2", min_verdict=Verdict.ELIGIBLE, offset=1, limit=5
    )
    assert total == 2 and [(q.consumer_id, q.profile_id) for q in mine] == [(None, "ent-2")]


def test_column_wise_rematching_equals_matching_each_profile() -> None:
    rng = random.Random(7)
    measures = varied_measures(120, rng)
    stored = [StoredProfile(f"c_{i % 2}/{p.id}", f"c_{i % 2}", p) for i, p in enumerate(varied_profiles(80, rng))]
    as_of = date(2020, 3, 1)
    profiles = ProfileSet.of(stored, as_of)
    matcher = Matcher(measures)
    expected = {
        (s.node_id, r.measure.span, r.verdict, json.dumps(r.to_json(), ensure_ascii=False))
        for s in stored
        for r in matcher.match(s.profile, as_of=as_of)
    }
    found = [
        (profiles.node_ids[row], r.measure.span, r.verdict, r.json_text())
        for row, r in match_profiles(measures, profiles)
    ]
    assert len(found) == len(set(found)) and set(found) == expected
    assert {"eligible", "undetermined", "ineligible"} == {row[2] for row in expected}
    qualifying = {(row[0], row[1]) for row in expected if row[2] != "ineligible"}
    at_least = match_profiles(measures, profiles, at_least=Verdict.UNDETERMINED)
    assert {(profiles.node_ids[row], r.measure.span) for row, r in at_least} == qualifying


def test_event_payload_carries_the_full_answer(ladybug_store: GraphStore) -> None:
    _setup(ladybug_store, SubscriptionFilters(min_verdict=Verdict.UNDETERMINED))
    events = _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW))
    (measure,) = measures_from_change(*policy_change())
    matcher = Matcher([measure])
    profiles = {p["id"]: EnterpriseProfile.model_validate(p) for p in PROFILES}
    for event in events:
        body = json.loads(str(event["payload_json"]))
        assert event["payload_json"] == json.dumps(body, ensure_ascii=False)
        (expected,) = matcher.match(profiles[str(event["profile_id"])], as_of=NOW.date())
        assert body["match"] == expected.to_json()
        assert body["profile"] == {"id": event["profile_id"], "name": profiles[str(event["profile_id"])].name}
        assert body["event_id"] == event_id_for(str(event["idempotency_key"]))
        assert body["subscription_id"] == event["subscription_id"]


def test_the_server_s_profile_layout_is_kept_until_a_profile_is_written(ladybug_store: GraphStore) -> None:
    _setup(ladybug_store)
    cache = ProfileCache(ladybug_store)
    first = cache.get(["c_1"], NOW.date())
    assert cache.get(["c_1"], NOW.date()) is first  # nothing written: the same columns
    events = _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW, cache=cache))
    assert {e["profile_id"] for e in events} == ELIGIBLE
    newcomer = {**PROFILES[0], "id": "ent-6", "name": "北京己科技有限公司"}
    upsert_profiles(ladybug_store, "c_1", [EnterpriseProfile.model_validate(newcomer)])
    again = cache.get(["c_1"], NOW.date())
    assert again is not first and "ent-6" in {again.profile_id(row) for row in range(len(again.names))}
    # the next document's hook sees the new profile
    events = _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW, cache=cache), POLICY_TEXT + "。")
    assert "ent-6" in {e["profile_id"] for e in events}


def test_a_crash_before_expansion_loses_nothing_and_expanding_twice_adds_nothing(ladybug_store: GraphStore) -> None:
    _setup(ladybug_store)
    context, change = policy_change()
    batches = RematchHook(ladybug_store, clock=lambda: NOW)(context, change)
    change.extend(batches)
    ladybug_store.write(change)
    (batch,) = ladybug_store.find_nodes("OutboxBatch")
    assert batch["status"] == "pending" and batch["recipient_count"] == 2
    assert ladybug_store.find_nodes("OutboxEvent") == []  # durable as a batch before any event exists
    assert expand_batch(ladybug_store, batch, NOW) == 2
    assert expand_batch(ladybug_store, batch, NOW) == 0  # a batch expanded again (a crash after the commit)
    assert len(ladybug_store.find_nodes("OutboxEvent")) == 2
    assert expand_pending(ladybug_store, NOW) == 0


def test_many_profiles_are_split_into_batches_of_bounded_size(ladybug_store: GraphStore) -> None:
    subscription_id = _setup(ladybug_store)
    many = [{**PROFILES[0], "id": f"bulk-{i}", "name": f"企业{i}"} for i in range(RECIPIENTS_PER_BATCH + 7)]
    upsert_profiles(ladybug_store, "c_1", [EnterpriseProfile.model_validate(p) for p in many])
    events = _ingest(ladybug_store, RematchHook(ladybug_store, clock=lambda: NOW))
    batches = ladybug_store.find_nodes("OutboxBatch")
    assert sorted(b["recipient_count"] for b in batches) == [9, RECIPIENTS_PER_BATCH]
    assert {b["status"] for b in batches} == {"expanded"}
    assert len(events) == RECIPIENTS_PER_BATCH + 9 and {e["subscription_id"] for e in events} == {subscription_id}
    assert len({e["idempotency_key"] for e in events}) == len(events)


def test_the_cache_says_while_it_lays_the_profiles_out(ladybug_store: GraphStore) -> None:
    _setup(ladybug_store)
    cache = ProfileCache(ladybug_store)
    assert not cache.warming
    with cache._lock:  # another layout holds the cache: warm waits for it, and says it is warming meanwhile
        warming = threading.Thread(target=cache.warm, args=(NOW.date(),))
        warming.start()
        deadline = time.monotonic() + 10
        while not cache.warming and time.monotonic() < deadline:
            time.sleep(0.01)
        assert cache.warming
    warming.join(timeout=30)
    assert not cache.warming and cache.get(["c_1"], NOW.date()).names
