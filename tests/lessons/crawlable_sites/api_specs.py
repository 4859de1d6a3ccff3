"""Public-API specs of lesson 06's model (being written)."""

SPECS: dict = {}
RECORDS: dict = {}
