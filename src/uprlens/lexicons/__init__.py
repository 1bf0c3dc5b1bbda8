"""Lexicons and taxonomies: data files a researcher can read and extend, and their loaders."""
