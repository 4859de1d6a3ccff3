"""Lesson 06's model (being written)."""

__all__: list[str] = []
