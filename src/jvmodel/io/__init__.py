"""Reading and writing ownership structures: native TOML/JSON, BODS 0.4."""

from jvmodel.io.bods import BodsWarning, read_bods, write_bods
from jvmodel.io.native import load, save

__all__ = ["BodsWarning", "load", "read_bods", "save", "write_bods"]
