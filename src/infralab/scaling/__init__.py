"""Lesson 04's model (being written)."""

__all__: list[str] = []
