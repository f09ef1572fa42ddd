"""The app of bench_reads: Tournée as `wsgi:app` serves it, plus one bare route.

`GET /bench/bare` answers a constant through every before/after-request hook and
no database: the floor of what any request costs in this app and this server.
"""
from server import create_app

app = create_app()


@app.get("/bench/bare")
def bare():
    """A constant: the floor of a request."""
    return {"status": "ok"}
