"""Public-API specs of lesson 02's model (being written)."""

SPECS: dict = {}
RECORDS: dict = {}
