"""The indicator engine: every line of the policy's 附件 table, computed for a center and a year (engine.py)."""
