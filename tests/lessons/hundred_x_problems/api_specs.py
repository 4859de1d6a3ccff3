"""Public-API specs of lesson 04's model (being written)."""

SPECS: dict = {}
RECORDS: dict = {}
