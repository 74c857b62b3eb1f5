"""Hybrid matcher: lexical, dense (FAISS) and structured channels, fused."""
