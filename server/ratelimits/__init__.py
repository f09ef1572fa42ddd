"""Rate limits that hold across workers and hosts: a database storage for flask-limiter,
the real client address as key, and per-account exponential back-off."""
