"""The demo data set: deterministic, composed from vocabularies, loaded by `xiechuang seed demo`."""
