"""Public-API specs of lesson 01's model (being written)."""

SPECS: dict = {}
RECORDS: dict = {}
