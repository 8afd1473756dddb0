"""What a running openimr web app holds, shared by the JSON API and the web pages.

`context.AppContext` (settings, services, the auth service, the job queue, the SQLite
writer lock), `cookies.CookieSigner` (signed session cookies and CSRF tokens) and
`writer_lock.WriterLock`. Both `openimr.api` and `openimr.web` import this package and never
each other; `openimr.server.create_app` mounts the two on one FastAPI app.
"""
