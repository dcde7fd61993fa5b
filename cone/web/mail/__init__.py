"""Outgoing e-mail: messages are stored in an outbox in the transaction of the change that
causes them, then sent off the request by a worker over SMTP (`CONE_MAIL_*` settings), retried
with backoff until the server takes them. Without CONE_MAIL_HOST nothing is queued."""
