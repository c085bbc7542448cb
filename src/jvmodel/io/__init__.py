"""Reading and writing ownership structures."""

from jvmodel.io.native import load, save

__all__ = ["load", "save"]
