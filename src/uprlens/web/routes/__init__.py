"""Routers of the web app: pages (reading), coding (writes), api (JSON)."""
