"""Lesson 07's model (being written)."""

__all__: list[str] = []
