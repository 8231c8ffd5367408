"""Retail after-sales workbench: recommendations, segmentation and data mining."""

from __future__ import annotations

__version__ = "0.1.0"
