"""Definitions by concept: ingestion, terminology, design, rendering, publication."""
