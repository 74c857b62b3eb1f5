"""The search indexes behind matching: lexical (BM25 over jieba words), dense vectors (FAISS), their store."""
