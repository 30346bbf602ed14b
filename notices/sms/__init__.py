"""SMS outbox: messages queued in the event's transaction, sent by a job through a backend."""
