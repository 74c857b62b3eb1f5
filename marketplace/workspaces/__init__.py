"""The signed-in home pages: the firm's and the engineer's workspaces."""
