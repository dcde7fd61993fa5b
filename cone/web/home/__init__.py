"""The front door and the health check."""
