"""Self-checks for the exercises of lesson 02 (being written)."""

from __future__ import annotations

__all__ = ["EXAMPLES", "TASKS"]

TASKS: dict = {}
EXAMPLES: dict = {}
