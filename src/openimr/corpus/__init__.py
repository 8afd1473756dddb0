"""The published-decision corpus: parsed letters stored as Parquet, counted with DuckDB.

- `ingest`: files -> parsed letters -> Parquet part files (in process or on Dask);
- `store`: the store directory, its manifest, DuckDB views and compaction;
- `schema`: the tables and the flattening of one parsed letter;
- `stats`, `report`: uphold/overturn figures, as text/JSON and as an HTML page;
- `search`: `ItemIndex`, BM25 search over published items (precedents).
"""
