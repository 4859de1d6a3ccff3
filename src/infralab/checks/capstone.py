"""Self-checks for the exercises of lesson 07 (being written)."""

from __future__ import annotations

__all__ = ["EXAMPLES", "TASKS"]

TASKS: dict = {}
EXAMPLES: dict = {}
