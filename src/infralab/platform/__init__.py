"""Lesson 02's model (being written)."""

__all__: list[str] = []
