"""Ingest: read documents, normalise and structure them, extract entities, and write them into the graph."""
