"""The inbox: notifications derived from the log, e-mail through the outbox, daily digests."""
