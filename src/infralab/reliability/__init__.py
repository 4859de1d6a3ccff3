"""Lesson 01's model (being written)."""

__all__: list[str] = []
