"""Documents and figures made on the device from its local store, offline: the hazard ledger
(XLSX), the rectification notice (PDF) and the statistics. Free of flet."""
