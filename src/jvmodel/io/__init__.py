"""Reading and writing ownership structures.

Native TOML/JSON (:mod:`~jvmodel.io.native`), BODS 0.4 (:mod:`~jvmodel.io.bods`),
CSV, Parquet and pandas edge lists (:mod:`~jvmodel.io.tabular`) and GraphML
(:mod:`~jvmodel.io.graphml`).
"""

from jvmodel.io.bods import BodsWarning, read_bods, write_bods
from jvmodel.io.graphml import read_graphml, to_graphml
from jvmodel.io.native import load, save
from jvmodel.io.tabular import from_pandas, read_csv, read_parquet, to_csv, to_pandas, to_parquet

__all__ = [
    "BodsWarning",
    "from_pandas",
    "load",
    "read_bods",
    "read_csv",
    "read_graphml",
    "read_parquet",
    "save",
    "to_csv",
    "to_graphml",
    "to_pandas",
    "to_parquet",
    "write_bods",
]
