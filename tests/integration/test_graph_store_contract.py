"""The GraphStore contract, run on every back-end (LadybugDB, and a Bolt server: ArcadeDB or a real Neo4j)."""

from __future__ import annotations

import pytest

from graph import cypher
from graph.base import BATCH_SIZE, GraphChange, GraphStore, NodeRecord, RelRecord
from graph.errors import GraphSchemaError, GraphStoreError, ReadOnlyQueryError


def make_document(doc_id: str, *clause_ids: str, title: str = "行政复议法") -> GraphChange:
    """A document with clauses (owned) and a jurisdiction (shared region)."""
    change = GraphChange(
        nodes=[
            NodeRecord("NormativeDocument", doc_id, {"title": title, "issuers": ["全国人民代表大会常务委员会"]}),
            NodeRecord("Region", "100000", {"name": "全国", "level": "country"}),
        ],
        rels=[RelRecord("JURISDICTION", "NormativeDocument", doc_id, "Region", "100000")],
        replace_document=doc_id,
    )
    for ordinal, clause_id in enumerate(clause_ids):
        change.nodes.append(
            NodeRecord(
                "Clause",
                clause_id,
                {"doc_id": doc_id, "kind": "条", "ordinal": ordinal, "text": f"第{ordinal + 1}条", "span_start": 0},
            )
        )
        change.rels.append(RelRecord("HAS_CLAUSE", "NormativeDocument", doc_id, "Clause", clause_id))
    return change


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


class TestWrites:
    def test_upsert_is_idempotent_and_updates_properties(self, graph_store: GraphStore) -> None:
        graph_store.write(make_document("d1", "c1", "c2"))
        graph_store.write(make_document("d1", "c1", "c2", title="行政复议法（修订）"))

        assert nonzero(graph_store.counts()) == {
            "NormativeDocument": 1,
            "Clause": 2,
            "Region": 1,
            "HAS_CLAUSE": 2,
            "JURISDICTION": 1,
        }
        assert graph_store.get_node("NormativeDocument", "d1")["title"] == "行政复议法（修订）"

    def test_values_of_every_type_round_trip(self, graph_store: GraphStore) -> None:
        props = {
            "title": "中华人民共和国行政許可法",
            "issuers": ["国务院", "司法部"],
            "is_current": True,
            "clause_count": 83,
            "date_published": "2019-04-23",
        }
        graph_store.upsert_nodes([NodeRecord("NormativeDocument", "d1", props)])
        graph_store.upsert_nodes([NodeRecord("Benefit", "b1", {"max_amount_wan": 50, "type": "资金补贴"})])

        stored = graph_store.get_node("NormativeDocument", "d1")
        assert {k: stored[k] for k in props} == props
        assert stored["doc_number"] is None
        assert graph_store.get_node("Benefit", "b1")["max_amount_wan"] == 50.0

    def test_replacing_a_document_leaves_no_stale_clause_or_relationship(self, graph_store: GraphStore) -> None:
        graph_store.write(make_document("d1", "c1", "c2", "c3"))
        graph_store.write(make_document("d2", "e1"))
        graph_store.upsert_relationships([RelRecord("CITES", "NormativeDocument", "d2", "NormativeDocument", "d1")])

        replacement = make_document("d1", "c1")
        replacement.rels = [r for r in replacement.rels if r.type != "JURISDICTION"]
        graph_store.write(replacement)

        assert [c["id"] for c in graph_store.find_nodes("Clause", {"doc_id": "d1"})] == ["c1"]
        out_types = {n.rel_type for n in graph_store.neighbours("NormativeDocument", "d1", direction="out")}
        assert out_types == {"HAS_CLAUSE"}
        incoming = graph_store.neighbours("NormativeDocument", "d1", rel_types=["CITES"], direction="in")
        assert [n.id for n in incoming] == ["d2"]

    def test_delete_document_removes_its_subgraph_and_keeps_shared_nodes(self, graph_store: GraphStore) -> None:
        graph_store.write(make_document("d1", "c1", "c2"))
        graph_store.write(make_document("d2", "e1"))

        graph_store.delete_document("d1")

        assert graph_store.get_node("NormativeDocument", "d1") is None
        assert nonzero(graph_store.counts()) == {
            "NormativeDocument": 1,
            "Clause": 1,
            "Region": 1,
            "HAS_CLAUSE": 1,
            "JURISDICTION": 1,
        }

    def test_a_shared_fact_keeps_its_other_sources_and_goes_with_the_last(self, graph_store: GraphStore) -> None:
        def stating(doc_id: str, *, names: bool = True) -> GraphChange:
            change = make_document(doc_id, f"{doc_id}-c1")
            if names:
                change.nodes.append(
                    NodeRecord("DemonstrationDesignation", "designation:x", {"kind": "area", "batch": 1})
                )
                change.rels.append(
                    RelRecord(
                        "STATED_IN",
                        "DemonstrationDesignation",
                        "designation:x",
                        "NormativeDocument",
                        doc_id,
                        {"span_start": 0, "span_end": 4},
                    )
                )
            return change

        graph_store.write(stating("d1"))
        graph_store.write(stating("d2"))
        assert graph_store.count("DemonstrationDesignation") == 1
        assert len(graph_store.relationships("STATED_IN")) == 2

        graph_store.write(stating("d1", names=False))  # re-ingested without the naming: d1 is no source any more
        assert [r.target_id for r in graph_store.relationships("STATED_IN")] == ["d2"]
        assert graph_store.get_node("DemonstrationDesignation", "designation:x") is not None

        graph_store.delete_document("d2")  # the last source
        assert graph_store.count("DemonstrationDesignation") == 0
        assert graph_store.relationships("STATED_IN") == []

    def test_a_failing_transaction_stores_nothing(self, graph_store: GraphStore) -> None:
        graph_store.write(make_document("d0", "k1"))
        before = graph_store.counts()
        upsert = ("UNWIND $rows AS r MERGE (n:Topic {id: r.id})", {"rows": [{"id": "t1"}]})

        with pytest.raises(GraphStoreError):
            graph_store._run_in_transaction([upsert, ("THIS IS NOT CYPHER", {})])

        assert graph_store.counts() == before
        assert graph_store.get_node("Topic", "t1") is None

    def test_new_documents_are_created_and_a_clash_fails_the_whole_change(self, graph_store: GraphStore) -> None:
        first = make_document("d1", "c1", "c2")
        first.replace_document, first.new_documents = None, {"d1"}
        graph_store.write(first)
        clash = make_document("d2", "e1")
        clash.nodes.append(NodeRecord("Clause", "c1", {"doc_id": "d2", "kind": "条"}))  # c1 exists (owned by d1)
        clash.replace_document, clash.new_documents = None, {"d2"}

        with pytest.raises(GraphStoreError):
            graph_store.write(clash)

        assert [c["id"] for c in graph_store.find_nodes("Clause")] == ["c1", "c2"]
        assert graph_store.get_node("Clause", "c1")["doc_id"] == "d1"
        assert graph_store.get_node("NormativeDocument", "d2") is None

    def test_nodes_named_new_are_created_and_a_clash_fails_the_whole_change(self, graph_store: GraphStore) -> None:
        graph_store.write(GraphChange(nodes=[NodeRecord("Topic", "t1", {"name": "主题"})], new_node_ids={"t1"}))
        assert graph_store.get_node("Topic", "t1")["name"] == "主题"
        clash = GraphChange(
            nodes=[NodeRecord("Topic", "t2", {"name": "另一主题"}), NodeRecord("Topic", "t1", {"name": "改名"})],
            new_node_ids={"t1", "t2"},
        )

        with pytest.raises(GraphStoreError):
            graph_store.write(clash)

        assert graph_store.get_node("Topic", "t1")["name"] == "主题"
        assert graph_store.get_node("Topic", "t2") is None

    def test_batches_larger_than_one_statement(self, graph_store: GraphStore) -> None:
        n = BATCH_SIZE + 7
        change = GraphChange(nodes=[NodeRecord("Topic", f"t{i}", {"name": f"主题{i}"}) for i in range(n)])
        change.nodes.append(NodeRecord("Mechanism", "m", {"name": "会前学法", "doc_id": "x"}))
        change.rels = [RelRecord("HAS_TOPIC", "Mechanism", "m", "Topic", f"t{i}") for i in range(n)]

        graph_store.write(change)

        counts = graph_store.counts()
        assert (counts["Topic"], counts["HAS_TOPIC"]) == (n, n)


class TestValidation:
    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (GraphChange(nodes=[NodeRecord("Policy", "x")]), "unknown node class 'Policy'"),
            (GraphChange(nodes=[NodeRecord("Clause", "")]), "non-empty string id"),
            (GraphChange(nodes=[NodeRecord("Clause", "c", {"colour": "red"})]), "Clause has no property 'colour'"),
            (GraphChange(nodes=[NodeRecord("Clause", "c", {"span_start": "3"})]), "Clause.span_start must be int"),
            (
                GraphChange(nodes=[NodeRecord("NormativeDocument", "d", {"date_published": "2020年3月"})]),
                "must be an ISO date",
            ),
            (GraphChange(rels=[RelRecord("CITES", "Region", "a", "Region", "b")]), "CITES cannot join Region->Region"),
            (GraphChange(rels=[RelRecord("LIKES", "Region", "a", "Region", "b")]), "unknown relationship type"),
        ],
    )
    def test_invalid_changes_are_refused_before_anything_is_written(
        self, graph_store: GraphStore, change: GraphChange, message: str
    ) -> None:
        change.nodes.insert(0, NodeRecord("Topic", "written-first?"))
        with pytest.raises(GraphSchemaError, match=message):
            graph_store.write(change)
        assert graph_store.get_node("Topic", "written-first?") is None


class TestReads:
    @pytest.fixture
    def small_graph(self, graph_store: GraphStore) -> GraphStore:
        graph_store.write(make_document("d1", "c1", "c2"))
        graph_store.upsert_nodes(
            [
                NodeRecord("Region", "110000", {"name": "北京市"}),
                NodeRecord("Region", "110112", {"name": "通州区"}),
            ]
        )
        graph_store.upsert_relationships(
            [
                RelRecord("BROADER", "Region", "110112", "Region", "110000"),
                RelRecord("BROADER", "Region", "110000", "Region", "100000"),
                RelRecord("HAS_PART", "Clause", "c1", "Clause", "c2"),
            ]
        )
        return graph_store

    def test_neighbours_by_type_and_direction(self, small_graph: GraphStore) -> None:
        out = small_graph.neighbours("NormativeDocument", "d1", direction="out")
        assert sorted((n.rel_type, n.id) for n in out) == [
            ("HAS_CLAUSE", "c1"),
            ("HAS_CLAUSE", "c2"),
            ("JURISDICTION", "100000"),
        ]
        regions = small_graph.neighbours("Region", "100000", rel_types=["BROADER"], direction="in")
        assert [(n.label, n.id, n.props["name"]) for n in regions] == [("Region", "110000", "北京市")]
        assert small_graph.neighbours("Clause", "c2", rel_types=["HAS_PART"], direction="out") == []

    def test_traverse_is_bounded_by_hops(self, small_graph: GraphStore) -> None:
        one = small_graph.traverse("Region", "110112", max_hops=1)
        three = small_graph.traverse("Region", "110112", max_hops=3)

        assert one == [{"label": "Region", "id": "110000", "hops": 1}]
        assert {(r["id"], r["hops"]) for r in three} == {("110000", 1), ("100000", 2), ("d1", 3)}

    def test_traverse_refuses_unbounded_depth(self, small_graph: GraphStore) -> None:
        with pytest.raises(GraphSchemaError, match="max_hops"):
            small_graph.traverse("Region", "110112", max_hops=9)

    def test_find_nodes_filters_by_property(self, small_graph: GraphStore) -> None:
        found = small_graph.find_nodes("Clause", {"doc_id": "d1", "ordinal": 1})
        assert [c["id"] for c in found] == ["c2"]
        with pytest.raises(GraphSchemaError, match="no property"):
            small_graph.find_nodes("Clause", {"nope": 1})

    def test_many_nodes_are_looked_up_by_id(self, small_graph: GraphStore) -> None:
        rows = small_graph.query(cypher.documents_by_id(["title"]), {"ids": ["missing", "d1"]})
        assert rows == [{"id": "d1", "title": "行政复议法"}]
        assert small_graph.query(cypher.EXISTING_EVENTS, {"ids": ["e_none"]}) == []

    def test_query_reads_and_refuses_writes(self, small_graph: GraphStore) -> None:
        rows = small_graph.query(
            "MATCH (d:NormativeDocument)-[:HAS_CLAUSE]->(c:Clause) WHERE c.ordinal >= $min RETURN c.id AS id",
            {"min": 1},
        )
        assert rows == [{"id": "c2"}]
        assert small_graph.query("MATCH (r:Region) WHERE r.name = 'CREATE' RETURN r.id AS id") == []
        for statement in ["MATCH (n) DETACH DELETE n", "CREATE (n:Topic {id: 'x'})", "MATCH (n) SET n.name = 'x'"]:
            with pytest.raises(ReadOnlyQueryError):
                small_graph.query(statement)
        assert small_graph.counts()["Clause"] == 2
