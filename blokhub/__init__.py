"""Blok Hub: the community backend for Blok workflows."""

__version__ = "0.1.0"
