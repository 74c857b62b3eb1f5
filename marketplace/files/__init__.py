"""Uploaded files (deliverables, attachments) on local disk or S3-compatible storage."""
