"""Search index back-ends behind the one ``SearchIndex`` port: embedded (bm25s + numpy) and Elasticsearch."""
