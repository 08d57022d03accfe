"""Extractors the ingest pipeline runs on every document: eligibility (support measures) and demonstrations."""
