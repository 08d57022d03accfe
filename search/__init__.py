"""Chinese hybrid search over the graph's documents: analysis, BM25, vectors, fusion, index back-ends."""
