"""Hostile and broken input files, made on the fly (see :mod:`make`)."""
