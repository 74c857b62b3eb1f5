"""Talent: shared engineers (共享工程师), centers and their pools (工程师库), low in the stack so every domain can use them."""
