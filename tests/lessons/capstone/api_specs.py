"""Public-API specs of lesson 07's model (being written)."""

SPECS: dict = {}
RECORDS: dict = {}
