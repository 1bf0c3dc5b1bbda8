"""Presentation: exports, terminal views, HTML reports."""
